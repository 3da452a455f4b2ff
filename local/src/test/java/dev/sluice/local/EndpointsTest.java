package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsTest {

    @TempDir
    Path dir;

    @Test
    void aFileWrittenBeforeTheLambdaApiIsReadWithoutIt() throws Exception {
        Files.writeString(dir.resolve(Endpoints.FILE), """
                {"region": "us-east-1", "sqs": "http://127.0.0.1:1", "dynamodb": "http://127.0.0.1:2",
                 "events": "http://127.0.0.1:3", "s3": "http://127.0.0.1:4", "stepFunctions": "http://127.0.0.1:5"}
                """);

        Endpoints e = Endpoints.read(dir);

        assertThat(e.stepFunctions()).isEqualTo(URI.create("http://127.0.0.1:5"));
        assertThat(e.lambda()).isNull();
        assertThat(e.metrics()).isNull();
    }

    @Test
    void theLambdaAndMetricsEndpointsAreWrittenAndReadBack() throws Exception {
        Endpoints written = new Endpoints("us-east-1", URI.create("http://127.0.0.1:1"),
                URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.1:3"), URI.create("http://127.0.0.1:4"),
                URI.create("http://127.0.0.1:5"), null, null, null, null, URI.create("http://127.0.0.1:6"),
                URI.create("http://127.0.0.1:7/metrics"), URI.create("tcp://127.0.0.1:8"));

        written.writeTo(dir);

        assertThat(Endpoints.read(dir)).isEqualTo(written);
    }
}
