package dev.locality.activities.stages.csv;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Hive-style partition directories: {@code col=value/col2=value2}, names and values escaped as
 * Hive's {@code FileUtils.escapePathName} does (each of the characters below as {@code %XX},
 * upper-case hex: ASCII control characters, {@code " # % ' * / : = ? \ { [ ] ^} and DEL; every
 * other character as it is, UTF-8 on disk), so that a value never adds a directory, and Hive,
 * Spark, Athena and DuckDB read the value back. A null or empty value is {@value #DEFAULT}, which
 * they read as null. Stateless and thread-safe.
 */
final class HivePartitionPath {
  /** Hive's directory for a null (or empty) partition value. */
  static final String DEFAULT = "__HIVE_DEFAULT_PARTITION__";

  private static final String ESCAPED = "\"#%'*/:=?\\{[]^";

  private HivePartitionPath() {}

  /**
   * The relative directory of a row's partition, {@code /}-separated.
   *
   * @throws IllegalArgumentException saying which column's value makes a directory name longer than
   *     {@value OutputNames#NAME_MAX} bytes
   */
  static String of(List<String> names, String[] values) {
    StringBuilder dir = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      String value = values[i];
      String segment =
          escape(names.get(i)) + "=" + (value == null || value.isEmpty() ? DEFAULT : escape(value));
      if (segment.getBytes(StandardCharsets.UTF_8).length > OutputNames.NAME_MAX) {
        throw new IllegalArgumentException(
            "the value of partition column '"
                + names.get(i)
                + "' makes a directory name longer than "
                + OutputNames.NAME_MAX
                + " bytes");
      }
      if (i > 0) dir.append('/');
      dir.append(segment);
    }
    return dir.toString();
  }

  /** Hive's escaping of one name or value. */
  static String escape(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F || ESCAPED.indexOf(c) >= 0) {
        if (out == null) out = new StringBuilder(s.length() + 8).append(s, 0, i);
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
