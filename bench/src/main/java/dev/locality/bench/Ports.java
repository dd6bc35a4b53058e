package dev.locality.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports for the servers the harness starts. */
final class Ports {
  private Ports() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until {@code p} listens on {@code port}; fails early when it exits. */
  static void waitForPort(int port, Duration timeout, Proc p) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (!p.process.isAlive()) throw new IllegalStateException(p.name + " exited: " + p.tail());
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(p.name + " does not listen on " + port + ": " + p.tail());
  }
}
