package dev.sluice.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.LocalRuntime;
import dev.sluice.workers.config.S3Access;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The local S3 serves only requests signed (SigV4) with the local credentials, as the stock SDK
 * client and presigner make them; everything else gets S3's 403 and error XML. Raw requests go
 * through java.net.http, as a browser or curl would send them.
 */
class LocalS3SignatureTest {

    private static final String BUCKET = "sluice-documents";
    /** Another tenant's document, which nobody but a signed client may read or replace. */
    private static final String THEIRS = "globex/uploads/0199aaaa-0000-7000-8000-000000000001/contract.txt";
    private static final String MINE = "acme/uploads/0199bbbb-0000-7000-8000-000000000002/notes.txt";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private LocalS3 s3;
    private S3Client client;

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start(dataDir, List.of(new BucketSpec(BUCKET, false)), "000000000000",
                (bus, source, detailType, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        client = client(LocalRuntime.CREDENTIALS);
        client.putObject(b -> b.bucket(BUCKET).key(THEIRS), RequestBody.fromString("globex's contract"));
    }

    @AfterEach
    void stop() {
        client.close();
        s3.close();
    }

    @Test
    void unsignedRequestsAreRefusedWithAccessDenied() throws Exception {
        URI object = uri(BUCKET + "/" + THEIRS);

        assertAccessDenied(send(HttpRequest.newBuilder(object).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(uri(BUCKET + "?list-type=2&prefix=globex/")).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(uri(BUCKET)).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(uri("")).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(object).PUT(HttpRequest.BodyPublishers.ofString("mine now"))));
        assertAccessDenied(send(HttpRequest.newBuilder(object).DELETE()));
        assertThat(send(HttpRequest.newBuilder(object).HEAD()).statusCode()).isEqualTo(403);

        assertThat(theirs()).isEqualTo("globex's contract");
    }

    @Test
    void aPublicAclOpensNothingToUnsignedRequests() throws Exception {
        client.putObjectAcl(b -> b.bucket(BUCKET).key(THEIRS).acl(ObjectCannedACL.PUBLIC_READ));
        client.putBucketAcl(b -> b.bucket(BUCKET).acl(BucketCannedACL.PUBLIC_READ_WRITE));

        assertAccessDenied(send(HttpRequest.newBuilder(uri(BUCKET + "/" + THEIRS)).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(uri(BUCKET + "?list-type=2")).GET()));
        assertAccessDenied(send(HttpRequest.newBuilder(uri(BUCKET + "/" + THEIRS))
                .PUT(HttpRequest.BodyPublishers.ofString("mine now"))));
        assertThat(theirs()).isEqualTo("globex's contract");
    }

    @Test
    void anUploadUrlWorksAsIssuedAndForNoOtherKey() throws Exception {
        URI issued;
        try (S3Presigner presigner = presigner(LocalRuntime.CREDENTIALS)) {
            issued = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(15))
                    .putObjectRequest(o -> o.bucket(BUCKET).key(MINE).contentType("text/plain"))).url().toURI();
        }
        URI edited = URI.create(issued.toString().replace("/" + MINE + "?", "/" + THEIRS + "?"));
        assertThat(edited).isNotEqualTo(issued);

        HttpResponse<String> forged = send(HttpRequest.newBuilder(edited).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("overwritten")));
        HttpResponse<String> used = send(HttpRequest.newBuilder(issued).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("acme's notes")));

        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(theirs()).isEqualTo("globex's contract");
        assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(MINE)).asUtf8String()).isEqualTo("acme's notes");
    }

    @Test
    void requestsSignedWithAnotherSecretOrKeyAreRefused() throws Exception {
        AwsCredentials wrongSecret = AwsBasicCredentials.create(LocalRuntime.CREDENTIALS.accessKeyId(), "guessed");
        AwsCredentials unknownKey = AwsBasicCredentials.create("AKIDSTRANGER",
                LocalRuntime.CREDENTIALS.secretAccessKey());

        try (S3Client forger = client(wrongSecret); S3Client stranger = client(unknownKey)) {
            assertRefused(() -> forger.getObjectAsBytes(b -> b.bucket(BUCKET).key(THEIRS)), "SignatureDoesNotMatch");
            assertRefused(() -> forger.listObjectsV2(b -> b.bucket(BUCKET)), "SignatureDoesNotMatch");
            assertRefused(() -> forger.putObject(b -> b.bucket(BUCKET).key(THEIRS),
                    RequestBody.fromString("overwritten")), "SignatureDoesNotMatch");
            assertRefused(() -> stranger.getObjectAsBytes(b -> b.bucket(BUCKET).key(THEIRS)), "InvalidAccessKeyId");
        }
        URI forgedUrl;
        try (S3Presigner presigner = presigner(wrongSecret)) {
            forgedUrl = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(o -> o.bucket(BUCKET).key(THEIRS))).url().toURI();
        }
        HttpResponse<String> forged = send(HttpRequest.newBuilder(forgedUrl).GET());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("<Code>SignatureDoesNotMatch</Code>").doesNotContain("globex's contract");
        assertThat(theirs()).isEqualTo("globex's contract");
    }

    @Test
    void aPayloadChangedAfterItWasSignedIsRefusedAndNotStored() {
        try (S3Client tampering = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS))
                .httpClient(new TamperingHttpClient()).build()) {
            assertRefused(() -> tampering.putObject(b -> b.bucket(BUCKET).key(THEIRS),
                    RequestBody.fromString("!!! signed words !!!")), "SignatureDoesNotMatch");
        }
        assertThat(theirs()).isEqualTo("globex's contract");
    }

    private String theirs() {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(THEIRS)).asUtf8String();
    }

    /** The presigner DocumentsApi hands upload URLs out with, built from a function's environment. */
    private S3Presigner presigner(AwsCredentials credentials) {
        return S3Access.presigner(new AwsClients(Map.of("AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", credentials.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey(),
                "AWS_ENDPOINT_URL_S3", s3.endpoint().toString())));
    }

    private S3Client client(AwsCredentials credentials) {
        return S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build();
    }

    private URI uri(String path) {
        return URI.create(s3.endpoint() + "/" + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAccessDenied(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.request() + ": " + response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/xml"));
        assertThat(response.body()).contains("<Error><Code>AccessDenied</Code>");
    }

    private static void assertRefused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }

    /**
     * Sends what the SDK signed with each {@code !} of the body turned into {@code ?}: a payload
     * changed in flight. Neither character occurs in the chunk framing (hex sizes, hex signatures,
     * a base64 checksum trailer), so only the data changes. Sent by the SDK's default HTTP client
     * (Apache, on this classpath through S3Proxy), which waits for "100 Continue" and so reads the
     * 403 that comes while the body is still arriving; the url-connection client sometimes reports
     * the closed connection instead.
     */
    private static final class TamperingHttpClient implements SdkHttpClient {

        private final SdkHttpClient delegate = Apache5HttpClient.create();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return delegate.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest())
                    .contentStreamProvider(request.contentStreamProvider()
                            .map(body -> (ContentStreamProvider) () -> new Tampered(body.newStream()))
                            .orElse(null))
                    .build());
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static final class Tampered extends FilterInputStream {

        Tampered(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b == '!' ? '?' : b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = offset; i < offset + Math.max(n, 0); i++) {
                if (buffer[i] == '!') {
                    buffer[i] = '?';
                }
            }
            return n;
        }
    }
}
