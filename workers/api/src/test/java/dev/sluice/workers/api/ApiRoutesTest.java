package dev.sluice.workers.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.Definitions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The routes API Gateway sends the handler are the routes it serves: a route in one and not the other fails. */
class ApiRoutesTest {

    @Test
    void theHandlerServesExactlyTheRoutesOfTheTopologysHttpApi() {
        var api = Definitions.bundled().topology().api("sluice-api").orElseThrow();
        assertThat(api.function()).isEqualTo("api");
        assertThat(Definitions.bundled().topology().function(api.function()).orElseThrow().handler())
                .isEqualTo(ApiHandler.class.getName());
        assertThat(Arrays.stream(ApiHandler.Route.values()).map(ApiHandler.Route::key))
                .containsExactlyInAnyOrderElementsOf(api.routes());
    }
}
