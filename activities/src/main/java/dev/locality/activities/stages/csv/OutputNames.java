package dev.locality.activities.stages.csv;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Plans the names {@code transform-csv} writes for all its inputs before it writes anything, so
 * that no two files (or a file and a directory) ever get the same name, whatever the inputs are
 * called, and no name component is longer than the file system allows.
 *
 * <p>For an input named {@code dir/sales.csv} (relative to the inputs' common directory, see {@link
 * dev.locality.activities.stages.internal.ArtifactNames}): the output is {@code dir/sales.csv} plus
 * the compression suffix; the rejects file is {@code dir/sales.rejects.csv}, next to it, so that
 * {@code upload} publishes it next to the output; the dedupe scratch directory is {@code
 * .dedupe-<n>} at the top. When a name is taken (inputs {@code sales.csv} and {@code
 * sales.rejects.csv}: the first one's rejects file) the next free name is used: {@code
 * sales.rejects-2.csv}, {@code -3}, and so on. Outputs are planned first, in input order, then
 * rejects and scratch names.
 *
 * <p>A name component longer than {@value #NAME_MAX} bytes (UTF-8) is shortened deterministically:
 * its stem is cut at a character boundary and followed by {@code ~} and 8 hex digits of the SHA-256
 * of the whole stem, the extension is kept ({@code <first 230 bytes>~1a2b3c4d.rejects.csv}).
 * Immutable once built.
 */
public final class OutputNames {
  /** The longest file name component (Linux NAME_MAX, and most other file systems). */
  public static final int NAME_MAX = 255;

  private static final String CSV = ".csv";
  private static final String REJECTS = ".rejects";

  /** The names for one input, relative to the stage's output directory. */
  public record Planned(String output, String rejects, String scratch) {}

  private final List<Planned> planned;

  private OutputNames(List<Planned> planned) {
    this.planned = planned;
  }

  /**
   * Plans names for inputs with these relative names.
   *
   * @param inputs the inputs' relative names, {@code /}-separated, in input order
   * @param outputSuffix what the output compression appends ({@code ""}, {@code .gz})
   */
  public static OutputNames plan(List<String> inputs, String outputSuffix) {
    return plan(inputs, null, outputSuffix);
  }

  /**
   * Plans names for inputs with these relative names, the outputs in another format.
   *
   * @param inputs the inputs' relative names, {@code /}-separated, in input order
   * @param outputExtension replaces the input's {@code .csv} (or is appended when it has none):
   *     {@code .jsonl}, {@code .parquet}; null keeps the input's name
   * @param outputSuffix what the output compression appends ({@code ""}, {@code .gz})
   */
  public static OutputNames plan(List<String> inputs, String outputExtension, String outputSuffix) {
    Set<String> taken = new HashSet<>();
    for (String input : inputs) {
      for (int slash = input.indexOf('/'); slash >= 0; slash = input.indexOf('/', slash + 1)) {
        taken.add(input.substring(0, slash)); // directories
      }
    }
    List<String> outputs = new ArrayList<>();
    for (String input : inputs) {
      String extension = outputExtension == null ? extensionOf(input) : outputExtension;
      outputs.add(free(taken, dirOf(input), stemOf(input), extension + outputSuffix, ""));
    }
    List<Planned> planned = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String input = inputs.get(i);
      String rejects = free(taken, dirOf(input), stemOf(input), CSV, REJECTS);
      String scratch = free(taken, "", ".dedupe-" + (i + 1), "", "");
      planned.add(new Planned(outputs.get(i), rejects, scratch));
    }
    return new OutputNames(List.copyOf(planned));
  }

  /** The names of input {@code index} (in the order given to {@link #plan}). */
  public Planned get(int index) {
    return planned.get(index);
  }

  /**
   * The first name {@code dir + stem + infix [+ "-n"] + extension} not in {@code taken} (after
   * shortening), which is then taken.
   */
  private static String free(
      Set<String> taken, String dir, String stem, String extension, String infix) {
    for (int n = 1; ; n++) {
      String tail = infix + (n == 1 ? "" : "-" + n) + extension;
      String name = dir + fit(stem, tail);
      if (taken.add(name)) return name;
    }
  }

  /**
   * {@code stem + tail}, with the stem shortened when the whole is over {@link #NAME_MAX} bytes.
   */
  static String fit(String stem, String tail) {
    if (utf8Length(stem) + utf8Length(tail) <= NAME_MAX) return stem + tail;
    String mark = "~" + hash8(stem);
    int budget = NAME_MAX - utf8Length(tail) - mark.length();
    if (budget < 1) throw new IllegalArgumentException("extension too long: " + tail);
    StringBuilder cut = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < stem.length(); ) {
      int cp = stem.codePointAt(i);
      int len = utf8Length(new String(Character.toChars(cp)));
      if (bytes + len > budget) break;
      cut.appendCodePoint(cp);
      bytes += len;
      i += Character.charCount(cp);
    }
    return cut + mark + tail;
  }

  private static String dirOf(String path) {
    return path.substring(0, path.lastIndexOf('/') + 1);
  }

  private static String fileOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The file name without a trailing {@code .csv} (any case). */
  private static String stemOf(String path) {
    String file = fileOf(path);
    return hasCsvExtension(file) ? file.substring(0, file.length() - CSV.length()) : file;
  }

  private static String extensionOf(String path) {
    String file = fileOf(path);
    return hasCsvExtension(file) ? file.substring(file.length() - CSV.length()) : "";
  }

  private static boolean hasCsvExtension(String file) {
    return file.length() > CSV.length() && file.toLowerCase(Locale.ROOT).endsWith(CSV);
  }

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String hash8(String s) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
