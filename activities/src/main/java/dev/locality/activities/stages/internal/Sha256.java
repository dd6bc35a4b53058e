package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; every JVM has the algorithm. */
public final class Sha256 {
  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Whether {@code value} is 64 hex digits (either case). */
  public static boolean isHex(String value) {
    return value != null && value.matches("[0-9a-fA-F]{64}");
  }

  /**
   * Streams a file through SHA-256 with a 64 KiB buffer, calling {@code heartbeat} after every 4
   * MiB read: for files of any size in a stage.
   */
  public static String ofFile(Path file, Runnable heartbeat) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in, heartbeat);
    }
  }

  /**
   * Streams {@code in} (not closed) through SHA-256 with a 64 KiB buffer, calling {@code heartbeat}
   * after every 4 MiB read.
   */
  public static String of(InputStream in, Runnable heartbeat) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[Buffers.SIZE];
    long sinceHeartbeat = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      digest.update(buffer, 0, n);
      sinceHeartbeat += n;
      if (sinceHeartbeat >= 4 << 20) {
        heartbeat.run();
        sinceHeartbeat = 0;
      }
    }
    return hex(digest);
  }

  /** Streams a file through SHA-256 with a 64 KiB buffer, without heartbeats: small files only. */
  public static String ofFile(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[Buffers.SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) != -1) digest.update(buffer, 0, n);
    }
    return hex(digest);
  }
}
