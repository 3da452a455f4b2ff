package dev.sluice.local.s3;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * S3 Block Public Access, as new AWS buckets have it: public ACLs are kept but ignored, so only
 * signed requests reach an object. S3Proxy answers an unsigned request by the ACL, which the
 * filesystem store reads from the "others" bits of a file's or directory's mode; without this, a
 * world-readable file or a public-read ACL set by any client would open it to unsigned reads.
 * Unsigned requests learn nothing else either: a missing key is refused as an existing one is.
 */
final class PublicAccessBlock extends ForwardingBlobStore {

    PublicAccessBlock(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public BucketCannedACL getContainerAccess(String container) {
        return BucketCannedACL.PRIVATE;
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        return ObjectCannedACL.PRIVATE;
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        return ObjectCannedACL.PRIVATE;
    }
}
