package dev.locality.activities.stages;

import com.sun.net.httpserver.HttpsConfigurator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1, made once per JVM by the JDK's {@code keytool}: the
 * server side for a {@link com.sun.net.httpserver.HttpsServer} and a client context trusting it.
 */
public final class TestTls {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static SSLContext context;

  private TestTls() {}

  /** One context serving and trusting the certificate. */
  public static synchronized SSLContext context() throws Exception {
    if (context == null) context = create();
    return context;
  }

  public static HttpsConfigurator configurator() throws Exception {
    return new HttpsConfigurator(context());
  }

  private static SSLContext create() throws Exception {
    Path dir = Files.createTempDirectory("locality-tls");
    Path store = dir.resolve("test.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "origin",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) throw new IOException("keytool failed: " + output);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(keys, PASSWORD);
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(keys);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(km.getKeyManagers(), tm.getTrustManagers(), null);
    Files.delete(store);
    Files.delete(dir);
    return ssl;
  }
}
