package dev.sluice.cdk;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/**
 * The CDK app. Step 6 of the roadmap builds its stack from core's topology, the one the local
 * runtime runs; until then it synthesizes an empty stack named Sluice.
 */
public final class SluiceApp {

    private SluiceApp() {
    }

    public static void main(String[] args) {
        String outdir = args.length > 0 ? args[0] : "cdk.out";
        App app = new App(AppProps.builder().outdir(outdir).build());
        new Stack(app, "Sluice");
        app.synth();
    }
}
