package dev.locality.bench;

import static dev.locality.bench.Log.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * S3Proxy on loopback with a filesystem store under {@code WORK/s3} (bucket {@code bench}), as a
 * child process started on first use (section 4).
 */
final class S3Proxy {
  static final String KEY = "bench-access";
  static final String SECRET = "bench-secret-key";

  private final Options o;
  private final Path work;
  private final Children children;
  private Proc proc;
  private int port;

  S3Proxy(Options o, Path work, Children children) {
    this.o = o;
    this.work = work;
    this.children = children;
  }

  /** The filesystem store (a directory per bucket). */
  Path store() {
    return work.resolve("s3");
  }

  int port() {
    return port;
  }

  void startOnce() throws Exception {
    if (proc != null) return;
    port = Ports.freePort();
    Path base = Files.createDirectories(store());
    Files.createDirectories(base.resolve("bench"));
    Path props = work.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + KEY,
            "s3proxy.credential=" + SECRET,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + base.toAbsolutePath(),
            ""));
    List<String> cmd =
        List.of(
            "java", "-Xmx512m", "-jar", o.s3proxyJar.toString(), "--properties", props.toString());
    proc = Proc.start("s3proxy", cmd, Map.of(), work);
    children.add(proc);
    Ports.waitForPort(port, Duration.ofSeconds(60), proc);
    log("    S3Proxy on 127.0.0.1:%d (filesystem store %s)", port, base);
  }
}
