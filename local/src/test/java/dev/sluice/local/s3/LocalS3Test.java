package dev.sluice.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.LocalRuntime;
import dev.sluice.local.events.EventSink;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

class LocalS3Test {

    private static final String ACCOUNT = "000000000000";
    private static final String NOTIFIED = "inbox";
    private static final String QUIET = "scratch";
    private static final List<BucketSpec> BUCKETS =
            List.of(new BucketSpec(NOTIFIED, true), new BucketSpec(QUIET, false));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final RecordingSink sink = new RecordingSink();
    private Path dataDir;
    private LocalS3 s3;
    private S3Client client;

    @BeforeEach
    void start() throws Exception {
        dataDir = tmp.resolve("s3");
        s3 = LocalS3.start(dataDir, BUCKETS, ACCOUNT, sink, LocalRuntime.CREDENTIALS);
        client = clientFor(s3);
    }

    @AfterEach
    void stop() {
        client.close();
        s3.close();
    }

    @Test
    void putGetListRoundTrip() {
        client.putObject(b -> b.bucket(QUIET).key("docs/a.txt"), RequestBody.fromString("hello"));
        client.putObject(b -> b.bucket(QUIET).key("docs/b.txt"), RequestBody.fromString("world!"));

        String body = client.getObjectAsBytes(b -> b.bucket(QUIET).key("docs/a.txt")).asUtf8String();
        List<String> keys = client.listObjectsV2(b -> b.bucket(QUIET).prefix("docs/")).contents().stream()
                .map(S3Object::key)
                .toList();

        assertThat(body).isEqualTo("hello");
        assertThat(keys).containsExactly("docs/a.txt", "docs/b.txt");
    }

    @Test
    void putObjectEmitsOneObjectCreated() throws IOException {
        String eTag = client.putObject(b -> b.bucket(NOTIFIED).key("in/report 1.pdf"),
                RequestBody.fromString("12345")).eTag();

        Event event = sink.single();
        JsonNode detail = event.detail();
        assertThat(event.busName()).isEqualTo("default");
        assertThat(event.source()).isEqualTo("aws.s3");
        assertThat(event.detailType()).isEqualTo("Object Created");
        assertThat(event.resources()).containsExactly("arn:aws:s3:::" + NOTIFIED);
        assertThat(fieldNames(detail)).containsExactly("version", "bucket", "object", "request-id",
                "requester", "source-ip-address", "reason");
        assertThat(fieldNames(detail.get("object"))).containsExactly("key", "size", "etag", "sequencer");
        assertThat(detail.get("version").asText()).isEqualTo("0");
        assertThat(detail.at("/bucket/name").asText()).isEqualTo(NOTIFIED);
        assertThat(detail.at("/object/key").asText()).isEqualTo("in/report 1.pdf");
        assertThat(detail.at("/object/size").asLong()).isEqualTo(5);
        assertThat(detail.at("/object/etag").asText()).isEqualTo(unquoted(eTag)).doesNotContain("\"");
        assertThat(detail.at("/object/sequencer").asText()).matches("[0-9A-F]+");
        assertThat(detail.get("request-id").asText()).isNotBlank();
        assertThat(detail.get("requester").asText()).isEqualTo(ACCOUNT);
        assertThat(detail.get("source-ip-address").asText()).isEqualTo("127.0.0.1");
        assertThat(detail.get("reason").asText()).isEqualTo("PutObject");
    }

    @Test
    void multipartUploadEmitsOneEventWithTheFullSize() throws IOException {
        byte[] first = new byte[5 * 1024 * 1024];
        byte[] second = "tail".getBytes(StandardCharsets.UTF_8);
        String key = "big/upload.bin";
        String uploadId = client.createMultipartUpload(b -> b.bucket(NOTIFIED).key(key)).uploadId();
        String eTag1 = client.uploadPart(b -> b.bucket(NOTIFIED).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(first)).eTag();
        String eTag2 = client.uploadPart(b -> b.bucket(NOTIFIED).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(second)).eTag();
        String eTag = client.completeMultipartUpload(b -> b.bucket(NOTIFIED).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(eTag1).build(),
                        CompletedPart.builder().partNumber(2).eTag(eTag2).build()))).eTag();

        JsonNode detail = sink.single().detail();
        assertThat(detail.get("reason").asText()).isEqualTo("CompleteMultipartUpload");
        assertThat(detail.at("/object/key").asText()).isEqualTo(key);
        assertThat(detail.at("/object/size").asLong()).isEqualTo(first.length + second.length);
        assertThat(detail.at("/object/etag").asText()).isEqualTo(unquoted(eTag));
        assertThat(client.headObject(b -> b.bucket(NOTIFIED).key(key)).contentLength())
                .isEqualTo(first.length + second.length);
    }

    @Test
    void copyObjectEmitsCopyObject() throws IOException {
        client.putObject(b -> b.bucket(QUIET).key("source.txt"), RequestBody.fromString("copied"));

        client.copyObject(b -> b.sourceBucket(QUIET).sourceKey("source.txt")
                .destinationBucket(NOTIFIED).destinationKey("copy.txt"));

        Event event = sink.single();
        assertThat(event.detailType()).isEqualTo("Object Created");
        assertThat(event.detail().get("reason").asText()).isEqualTo("CopyObject");
        assertThat(event.detail().at("/object/key").asText()).isEqualTo("copy.txt");
        assertThat(event.detail().at("/object/size").asLong()).isEqualTo(6);
    }

    @Test
    void deleteObjectEmitsObjectDeletedAndSequencersIncrease() throws IOException {
        String eTag = client.putObject(b -> b.bucket(NOTIFIED).key("gone.txt"),
                RequestBody.fromString("bye")).eTag();

        client.deleteObject(b -> b.bucket(NOTIFIED).key("gone.txt"));
        client.deleteObject(b -> b.bucket(NOTIFIED).key("never-existed.txt"));

        List<Event> events = sink.all();
        assertThat(events).extracting(Event::detailType).containsExactly("Object Created", "Object Deleted");
        JsonNode detail = events.get(1).detail();
        assertThat(fieldNames(detail)).containsExactly("version", "bucket", "object", "request-id",
                "requester", "source-ip-address", "reason", "deletion-type");
        assertThat(fieldNames(detail.get("object"))).containsExactly("key", "etag", "sequencer");
        assertThat(detail.at("/object/key").asText()).isEqualTo("gone.txt");
        assertThat(detail.at("/object/etag").asText()).isEqualTo(unquoted(eTag));
        assertThat(detail.get("reason").asText()).isEqualTo("DeleteObject");
        assertThat(detail.get("deletion-type").asText()).isEqualTo("Permanently Deleted");
        assertThat(detail.at("/object/sequencer").asText())
                .isGreaterThan(events.get(0).detail().at("/object/sequencer").asText());
        assertThatThrownBy(() -> client.headObject(b -> b.bucket(NOTIFIED).key("gone.txt")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void multiObjectDeleteEmitsOneObjectDeletedPerKey() throws IOException {
        client.putObject(b -> b.bucket(NOTIFIED).key("one.txt"), RequestBody.fromString("1"));
        client.putObject(b -> b.bucket(NOTIFIED).key("two.txt"), RequestBody.fromString("2"));

        client.deleteObjects(b -> b.bucket(NOTIFIED).delete(d -> d.objects(
                ObjectIdentifier.builder().key("one.txt").build(),
                ObjectIdentifier.builder().key("two.txt").build())));

        List<Event> deleted = sink.all().stream().filter(e -> e.detailType().equals("Object Deleted")).toList();
        List<String> keys = new ArrayList<>();
        for (Event event : deleted) {
            keys.add(event.detail().at("/object/key").asText());
        }
        assertThat(keys).containsExactlyInAnyOrder("one.txt", "two.txt");
    }

    @Test
    void bucketWithoutEventBridgeEmitsNothing() {
        client.putObject(b -> b.bucket(QUIET).key("a.txt"), RequestBody.fromString("a"));
        client.copyObject(b -> b.sourceBucket(QUIET).sourceKey("a.txt")
                .destinationBucket(QUIET).destinationKey("b.txt"));
        client.deleteObject(b -> b.bucket(QUIET).key("a.txt"));

        assertThat(sink.all()).isEmpty();
    }

    @Test
    void objectsAndBucketsSurviveARestart() throws Exception {
        client.putObject(b -> b.bucket(NOTIFIED).key("kept.txt"), RequestBody.fromString("still here"));
        client.createBucket(b -> b.bucket("made-at-runtime"));
        stop();

        s3 = LocalS3.start(dataDir, BUCKETS, ACCOUNT, sink, LocalRuntime.CREDENTIALS);
        client = clientFor(s3);

        assertThat(client.listBuckets().buckets()).extracting(Bucket::name)
                .contains(NOTIFIED, QUIET, "made-at-runtime");
        assertThat(client.getObjectAsBytes(b -> b.bucket(NOTIFIED).key("kept.txt")).asUtf8String())
                .isEqualTo("still here");
    }

    @Test
    void theDataDirectoryIsOwnerOnlyWhenCreatedAndWhenFoundOpen() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");

        stop();
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        start();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }

    @Test
    void listensOnLoopbackOnly() throws IOException {
        assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(s3.endpoint().getPort()).isPositive();

        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "no non-loopback address on this machine");
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(
                    new InetSocketAddress(external.get(), s3.endpoint().getPort()), 2_000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static S3Client clientFor(LocalS3 s3) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS))
                .build();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(LocalS3Test::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    private static String unquoted(String eTag) {
        return eTag.replace("\"", "");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private record Event(String busName, String source, String detailType, String detailJson,
                         List<String> resources) {

        JsonNode detail() throws IOException {
            return JSON.readTree(detailJson);
        }
    }

    private static final class RecordingSink implements EventSink {

        private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void put(String busName, String source, String detailType, String detail, List<String> resources) {
            events.add(new Event(busName, source, detailType, detail, List.copyOf(resources)));
        }

        List<Event> all() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        Event single() {
            assertThat(all()).hasSize(1);
            return all().get(0);
        }
    }
}
