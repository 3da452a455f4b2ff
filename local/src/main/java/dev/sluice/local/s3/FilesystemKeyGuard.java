package dev.sluice.local.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Refuses, with S3's 400 and before the store touches the disk, a key the filesystem store cannot
 * hold faithfully. That store keeps an object at the path its key names, so:
 * <ul>
 * <li>a key must be a relative path of plain names: a {@code .} or {@code ..} segment, an empty
 * one ({@code a//b}, a leading {@code /}) or a NUL would be normalized into another key's path, or
 * out of the bucket, or not be a path at all ({@code InvalidArgument}); one trailing {@code /}, a
 * folder marker, is a directory and fine;</li>
 * <li>each segment becomes a file or directory name of at most {@value #NAME_MAX} bytes, to which the
 * store adds up to 43: a multipart upload's part or stub is {@code .mpus-{uuid}-{key}-{part}},
 * and every file is first written as {@code {name}-{uuid}}. So a segment holds at most
 * {@value #MAX_SEGMENT_BYTES} bytes in UTF-8, and a key of one segment, which gets both, at most
 * {@value #MAX_SINGLE_SEGMENT_BYTES}; beyond that the write failed with a 500 after creating the
 * key's directories ({@code KeyTooLongError}, as S3 answers a key over its own
 * {@value #MAX_KEY_BYTES} bytes).</li>
 * </ul>
 * Every operation on a key is checked, not only writes: reading or deleting {@code a/../b} would
 * otherwise reach {@code b}.
 */
final class FilesystemKeyGuard extends ForwardingBlobStore {

    /** The longest file name of ext4, XFS, Btrfs, tmpfs and APFS. */
    static final int NAME_MAX = 255;
    /** {@code -10000} (the highest part number) and {@code -{uuid}} (the temporary file). */
    private static final int SUFFIX_BYTES = 6 + 37;
    /** {@code .mpus-{uuid}-}, put before the first segment of a multipart upload's files. */
    private static final int PREFIX_BYTES = 43;
    static final int MAX_SEGMENT_BYTES = NAME_MAX - SUFFIX_BYTES;
    static final int MAX_SINGLE_SEGMENT_BYTES = NAME_MAX - SUFFIX_BYTES - PREFIX_BYTES;
    /** S3's own limit. */
    static final int MAX_KEY_BYTES = 1024;

    FilesystemKeyGuard(BlobStore delegate) {
        super(delegate);
    }

    /** Throws S3's 400 for a key the store cannot hold. */
    private static void check(String key) {
        if (utf8Length(key) > MAX_KEY_BYTES) {
            throw keyTooLong("S3 keys are at most " + MAX_KEY_BYTES + " bytes in UTF-8");
        }
        if (key.indexOf('\0') >= 0) {
            throw invalid("it contains NUL");
        }
        String path = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        List<String> segments = List.of(path.split("/", -1));
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw invalid("it has an empty segment (a leading '/' or '//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid("it has a '" + segment + "' segment");
            }
            if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
                throw keyTooLong("the local S3 holds at most " + MAX_SEGMENT_BYTES
                        + " bytes in UTF-8 between two '/'");
            }
        }
        if (segments.size() == 1 && utf8Length(path) > MAX_SINGLE_SEGMENT_BYTES) {
            throw keyTooLong("the local S3 holds a key without '/' of at most " + MAX_SINGLE_SEGMENT_BYTES
                    + " bytes in UTF-8");
        }
    }

    @Override
    public boolean blobExists(String container, String name) {
        check(name);
        return super.blobExists(container, name);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        check(request.key());
        return super.putBlob(request, payload);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        check(request.sourceKey());
        check(request.destinationKey());
        return super.copyBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        check(request.key());
        return super.blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        check(request.key());
        return super.getBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        check(request.key());
        return super.removeBlob(request);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        check(name);
        return super.getBlobAccess(container, name);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        check(name);
        return super.getBlobAccess(container, name, versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        check(request.key());
        return super.getBlobAcl(request);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access) {
        check(name);
        super.setBlobAccess(container, name, access);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access, String versionId) {
        check(name);
        super.setBlobAccess(container, name, access, versionId);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        check(request.key());
        return super.initiateMultipartUpload(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        check(upload.blobName());
        super.abortMultipartUpload(upload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        check(upload.blobName());
        return super.completeMultipartUpload(upload, request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
            InputStream payload) {
        check(upload.blobName());
        return super.uploadMultipartPart(upload, request, payload);
    }

    @Override
    public UploadPartCopyResponse copyMultipartPart(MultipartUpload upload, UploadPartCopyRequest request) {
        check(request.sourceKey());
        check(upload.blobName());
        return super.copyMultipartPart(upload, request);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        check(upload.blobName());
        return super.listMultipartUpload(upload);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static S3Exception keyTooLong(String why) {
        return error(400, "KeyTooLongError", "Your key is too long: " + why + ".");
    }

    private static S3Exception invalid(String why) {
        return error(400, "InvalidArgument", "The local S3 stores keys as file paths and cannot hold this one: "
                + why + ".");
    }

    private static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder()
                .message(message)
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build())
                .build();
    }
}
