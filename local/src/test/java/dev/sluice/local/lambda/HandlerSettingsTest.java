package dev.sluice.local.lambda;

import dev.sluice.core.aws.FunctionEnvironment;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.FunctionEnvironments;
import dev.sluice.workers.onnx.BgeSmallEmbedder;
import java.net.URI;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every handler of the bundled topology reads what its function declares, and nothing else: each is
 * constructed as {@link LocalFunction} constructs it, with exactly the environment the local
 * runtime resolves for its function, while every variable it looks up is recorded. A variable read
 * but not declared fails (on AWS the function would not have it); so does one declared and present
 * but never read (a grant or a setting nobody needs). Names Lambda and the SDK own ({@code AWS_*})
 * are the runtime's, not the topology's. Building a handler must not load the embedding model.
 */
class HandlerSettingsTest {

    @TempDir
    static Path state;

    /** Records the names looked up; the handler reads this map itself (FunctionEnvironment passes a view). */
    private static final class RecordingMap extends AbstractMap<String, String> {

        private final Map<String, String> env;
        private final Set<String> read;

        RecordingMap(Map<String, String> env, Set<String> read) {
            this.env = env;
            this.read = read;
        }

        @Override
        public String get(Object key) {
            read.add((String) key);
            return env.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            read.add((String) key);
            return env.containsKey(key);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return env.entrySet();
        }
    }

    @Test
    void everyHandlerReadsExactlyTheVariablesItsFunctionDeclares() throws Exception {
        Topology topology = Definitions.bundled().topology();
        // Nothing is called while a handler is built: the endpoints need not answer.
        URI nowhere = URI.create("http://127.0.0.1:9");
        FunctionEnvironments environments = new FunctionEnvironments(topology,
                FunctionEnvironments.localProfile(topology, Map.of()), AwsIdentity.LOCAL, state,
                new FunctionEnvironments.Services(nowhere, nowhere, nowhere, nowhere, nowhere, nowhere,
                        Map.of("sluice-ws", URI.create("http://127.0.0.1:9/live")), URI.create("tcp://127.0.0.1:9")));
        boolean modelLoadedBefore = BgeSmallEmbedder.modelLoaded();
        Map<String, String> failed = new TreeMap<>();
        Map<String, Set<String>> undeclared = new TreeMap<>();
        Map<String, Set<String>> unread = new TreeMap<>();
        for (FunctionSpec f : topology.functions()) {
            Map<String, String> env = environments.of(f);
            Set<String> read = ConcurrentHashMap.newKeySet();
            HandlerType type = HandlerType.load(f.handler(), getClass().getClassLoader());
            try {
                FunctionEnvironment.with(new RecordingMap(env, read), type::newInstance);
            } catch (Exception e) {
                // A variable the function does not declare is not in its environment: reading it fails here.
                failed.put(f.name(), e.toString());
                continue;
            }

            Set<String> notDeclared = new TreeSet<>(read);
            notDeclared.removeAll(f.environment().keySet());
            notDeclared.removeIf(name -> name.startsWith("AWS_"));
            if (!notDeclared.isEmpty()) {
                undeclared.put(f.name(), notDeclared);
            }
            Set<String> neverRead = new TreeSet<>(f.environment().keySet());
            neverRead.retainAll(env.keySet()); // left out when the local profile does not set its value
            neverRead.removeAll(read);
            if (!neverRead.isEmpty()) {
                unread.put(f.name(), neverRead);
            }
        }
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(failed).as("handlers that cannot be built from their function's environment").isEmpty();
            soft.assertThat(undeclared).as("variables read but not in the function's environment in topology.json")
                    .isEmpty();
            soft.assertThat(unread).as("variables declared and set locally but not read while the handler is built")
                    .isEmpty();
            if (!modelLoadedBefore) {
                soft.assertThat(BgeSmallEmbedder.modelLoaded()).as("the embedding model loaded while handlers were"
                        + " built").isFalse();
            }
        });
    }
}
