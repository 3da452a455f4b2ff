package dev.sluice.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Every local service binds the loopback interface only: nothing here is reachable from the network. */
public final class Loopback {

    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    public static InetAddress address() {
        return InetAddress.getLoopbackAddress();
    }

    /** A free port on loopback, for servers that cannot bind port 0 themselves. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
