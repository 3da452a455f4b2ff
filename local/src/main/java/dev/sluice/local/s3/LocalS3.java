package dev.sluice.local.s3;

import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.Loopback;
import dev.sluice.local.PrivateDirectory;
import dev.sluice.local.events.EventSink;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The local S3: S3Proxy over a filesystem blob store, path-style, on a free port of 127.0.0.1.
 * Objects live under the data directory, so they survive a restart.
 *
 * <p>Every request must be signed with AWS Signature Version 4 by the credentials given: in the
 * Authorization header (the payload's chunk signatures are checked as the body arrives) or as a
 * presigned URL, whose signature covers the exact path, so an upload URL for one key writes no
 * other. Anything else is refused with 403 and S3's error XML. Keys the filesystem cannot hold
 * faithfully are refused with 400 ({@link FilesystemKeyGuard}), and ACLs never open an object to
 * unsigned requests ({@link PublicAccessBlock}).
 */
public final class LocalS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy, BlobStore store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
    }

    /**
     * Starts the service and creates every topology bucket that does not exist yet.
     *
     * @param accountId the {@code requester} of emitted events
     * @param sink      receives the events of buckets with EventBridge notifications on
     * @param credentials the only credentials whose signatures are accepted
     */
    public static LocalS3 start(Path dataDir, List<BucketSpec> buckets, String accountId, EventSink sink,
            AwsCredentials credentials) throws Exception {
        PrivateDirectory.create(dataDir);
        BlobStore filesystem = new FilesystemNio2BlobStore(dataDir.toAbsolutePath().toString());
        Set<String> eventBridgeBuckets = buckets.stream()
                .filter(BucketSpec::eventBridge)
                .map(BucketSpec::name)
                .collect(Collectors.toUnmodifiableSet());
        BlobStore store = new FilesystemKeyGuard(new PublicAccessBlock(
                new EventEmittingBlobStore(filesystem, eventBridgeBuckets, accountId, sink)));
        try {
            for (BucketSpec bucket : buckets) {
                if (!filesystem.containerExists(bucket.name())) {
                    filesystem.createContainer(bucket.name());
                }
            }
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    // Port 0: Jetty picks a free port, which getPort() reports once started.
                    .endpoint(URI.create("http://" + Loopback.HOST + ":0"))
                    .awsAuthentication(AuthenticationType.AWS_V4, credentials.accessKeyId(),
                            credentials.secretAccessKey())
                    // No graceful drain: an idle SDK keep-alive connection holds it ~2 s, and a
                    // local runtime that is stopping has no in-flight request worth waiting for.
                    .stopTimeout(0)
                    .build();
            proxy.start();
            return new LocalS3(proxy, store, URI.create("http://" + Loopback.HOST + ":" + proxy.getPort()));
        } catch (Exception e) {
            store.close();
            throw e;
        }
    }

    /** Base URI for {@code endpointOverride}; clients must use path-style addressing. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the local S3 at " + endpoint, e);
        } finally {
            store.close();
        }
    }
}
