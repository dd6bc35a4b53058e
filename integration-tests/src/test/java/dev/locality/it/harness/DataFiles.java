package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small, deterministic data files for the HTTP origin to serve. */
public final class DataFiles {
  private DataFiles() {}

  /**
   * Writes a CSV file {@code id,city,value} with a header and {@code rows} rows.
   *
   * @return the file
   */
  public static Path csv(Path dir, String name, int rows) {
    StringBuilder text = new StringBuilder("id,city,value\n");
    for (int i = 1; i <= rows; i++) {
      text.append(i).append(",city-").append(i % 97).append(',').append(i * 7 % 1000).append('\n');
    }
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lower-case hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
