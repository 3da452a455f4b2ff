package dev.sluice.workers.config;

import dev.sluice.core.aws.AwsClients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3 as the function's environment names it. With an endpoint override, buckets are addressed by
 * path, as S3-compatible local servers need; on AWS, by virtual host.
 */
public final class S3Access {

    private S3Access() {
    }

    public static S3Client client(AwsClients aws) {
        return aws.build(S3Client.builder().forcePathStyle(pathStyle(aws)), "S3");
    }

    /** For presigned upload URLs, which must name the same endpoint the client would. */
    public static S3Presigner presigner(AwsClients aws) {
        S3Presigner.Builder builder = S3Presigner.builder().region(aws.region()).credentialsProvider(aws.credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle(aws)).build());
        if (aws.endpoint("S3") != null) {
            builder.endpointOverride(aws.endpoint("S3"));
        }
        return builder.build();
    }

    private static boolean pathStyle(AwsClients aws) {
        return aws.endpoint("S3") != null;
    }
}
