package dev.sluice.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.documents.DocumentFilenames;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.LocalRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The filesystem store holds a key at the path it names: a key it cannot hold faithfully is refused
 * with S3's 400 before anything is written, never a 500 after half of it was.
 */
class LocalS3KeyTest {

    private static final String BUCKET = "sluice-documents";
    private static final String UPLOAD = "0199aaaa-0000-7000-8000-000000000001";

    @TempDir
    Path dataDir;

    private LocalS3 s3;
    private S3Client client;
    /**
     * Sends a path as the SDK signed it: the default HTTP client (Apache) turns "a//b" into "a/b"
     * after signing, which any S3 refuses as SignatureDoesNotMatch before looking at the key. Used
     * without a body only: unlike Apache, it does not wait for "100 Continue", so a body could still
     * be on its way when the refusal closes the connection, and it would report that, not the 400.
     */
    private S3Client verbatim;

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start(dataDir, List.of(new BucketSpec(BUCKET, false)), "000000000000",
                (bus, source, detailType, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        client = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).build();
        verbatim = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).build();
        client.putObject(b -> b.bucket(BUCKET).key("acme/b.txt"), RequestBody.fromString("b"));
    }

    @AfterEach
    void stop() {
        verbatim.close();
        client.close();
        s3.close();
    }

    @Test
    void keysThatAreNotPlainPathsAreRefusedBeforeAnythingIsWritten() throws IOException {
        List<String> before = tree();

        for (String key : List.of("acme/x/../b.txt", "acme/../acme/b.txt", "acme/./b.txt", "./acme/b.txt",
                "acme/x/..")) {
            assertRefused(() -> client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x")),
                    "InvalidArgument");
            assertRefused(() -> client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)), "InvalidArgument");
        }
        for (String key : List.of("acme//b.txt", "/acme/b.txt")) {
            assertRefused(() -> verbatim.createMultipartUpload(b -> b.bucket(BUCKET).key(key)), "InvalidArgument");
            assertRefused(() -> verbatim.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)), "InvalidArgument");
        }
        // Jetty refuses a NUL in the path itself, as S3 does.
        assertRefused(() -> client.putObject(b -> b.bucket(BUCKET).key("acme/x/b\u0000.txt"),
                RequestBody.fromString("x")), "InvalidURI");

        assertThat(tree()).isEqualTo(before);
        assertThat(read("acme/b.txt")).isEqualTo("b");
    }

    @Test
    void readingOrDeletingThroughADotDotSegmentReachesNoOtherKey() {
        assertRefused(() -> client.deleteObject(b -> b.bucket(BUCKET).key("acme/x/../b.txt")), "InvalidArgument");
        assertRefused(() -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key("acme/x/../b.txt")), "InvalidArgument");
        assertRefused(() -> client.copyObject(b -> b.sourceBucket(BUCKET).sourceKey("acme/./b.txt")
                .destinationBucket(BUCKET).destinationKey("acme/c.txt")), "InvalidArgument");

        assertThat(read("acme/b.txt")).isEqualTo("b");
    }

    @Test
    void aKeyLongerThanTheStoreHoldsIsKeyTooLongAndLeavesNoDirectoryBehind() throws IOException {
        List<String> before = tree();
        String segment = "é".repeat(FilesystemKeyGuard.MAX_SEGMENT_BYTES / 2 + 1); // one character too many
        String single = "a".repeat(FilesystemKeyGuard.MAX_SINGLE_SEGMENT_BYTES + 1);
        String overS3 = "k/".repeat(FilesystemKeyGuard.MAX_KEY_BYTES / 2) + "z";

        for (String key : List.of("tenant/uploads/" + UPLOAD + "/" + segment, segment + "/uploads/a.txt", single,
                overS3)) {
            assertRefused(() -> client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x")),
                    "KeyTooLongError");
            assertRefused(() -> client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)), "KeyTooLongError");
        }

        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void theLongestKeysTheStoreHoldsAreWrittenWholeByPutAndByMultipart() {
        String segment = "é".repeat(FilesystemKeyGuard.MAX_SEGMENT_BYTES / 2);
        // Disjoint paths: the store cannot hold a key and another key under it ("a" and "a/b") at once.
        String longest = ("ü".repeat(FilesystemKeyGuard.MAX_SEGMENT_BYTES / 2) + "/").repeat(4)
                + "a".repeat(FilesystemKeyGuard.MAX_KEY_BYTES - 4 * (FilesystemKeyGuard.MAX_SEGMENT_BYTES + 1));
        List<String> keys = List.of("tenant/uploads/" + UPLOAD + "/" + segment, segment + "/" + segment,
                "a".repeat(FilesystemKeyGuard.MAX_SINGLE_SEGMENT_BYTES), longest);
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(FilesystemKeyGuard.MAX_KEY_BYTES);

        for (String key : keys) {
            client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("put"));
            assertThat(read(key)).as(key).isEqualTo("put");
            uploadInOnePart(key, "multipart");
            assertThat(read(key)).as(key).isEqualTo("multipart");
        }
    }

    @Test
    void anUploadKeyWithTheLongestFilenameTheApiAcceptsFitsTheStore() {
        String filename = "é".repeat((DocumentFilenames.MAX_BYTES - 4) / 2) + ".pdf";
        String key = "t".repeat(64) + "/uploads/" + UPLOAD + "/" + filename; // the longest tenant id
        assertThat(filename.getBytes(StandardCharsets.UTF_8)).hasSize(DocumentFilenames.MAX_BYTES);
        assertThat(DocumentFilenames.fits(filename)).isTrue();

        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("put"));
        assertThat(read(key)).isEqualTo("put");
        uploadInOnePart(key, "multipart");
        assertThat(read(key)).isEqualTo("multipart");
    }

    /** The worst case of the store's file names: the only part is the highest part number S3 allows. */
    private void uploadInOnePart(String key, String content) {
        String uploadId = client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        String eTag = client.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(10_000),
                RequestBody.fromString(content)).eTag();
        client.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(p -> p.partNumber(10_000).eTag(eTag))));
    }

    private String read(String key) {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
    }

    private List<String> tree() throws IOException {
        try (Stream<Path> paths = Files.walk(dataDir)) {
            return paths.map(p -> dataDir.relativize(p).toString()).sorted().toList();
        }
    }

    private static void assertRefused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }
}
