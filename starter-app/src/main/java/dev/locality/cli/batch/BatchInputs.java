package dev.locality.cli.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the {@code --inputs} arguments of {@code locality batch} into input URLs, in order, without
 * duplicates:
 *
 * <ul>
 *   <li>a <b>glob</b> (contains {@code * ? [ {}; {@code **} crosses directories) matches local
 *       files, each becoming an absolute {@code file://} URL, sorted by path;
 *   <li>a <b>manifest</b> (a text file named {@code *.txt}, {@code *.list}, {@code *.lst}, {@code
 *       *.urls} or {@code *.manifest}, or any text file whose first entry is a URL) holds one input
 *       per line; blank lines and {@code #} comments are skipped; a line without a scheme is a path
 *       relative to the manifest's directory;
 *   <li>any other existing file is itself one input (so a glob the shell already expanded works).
 * </ul>
 *
 * Stateless, thread-safe.
 */
public final class BatchInputs {
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  private static final Set<String> MANIFEST_SUFFIXES =
      Set.of(".txt", ".list", ".lst", ".urls", ".manifest");

  private BatchInputs() {}

  /**
   * @param workingDir what relative globs and paths resolve against
   * @throws IllegalArgumentException naming an argument that matches nothing or cannot be read
   */
  public static List<String> resolve(List<String> arguments, Path workingDir) {
    Set<String> inputs = new LinkedHashSet<>();
    for (String argument : arguments) {
      if (isGlob(argument)) {
        List<Path> files = glob(argument, workingDir);
        if (files.isEmpty()) {
          throw new IllegalArgumentException("--inputs " + argument + ": no file matches");
        }
        files.forEach(f -> inputs.add(fileUrl(f)));
        continue;
      }
      Path file = workingDir.resolve(argument).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "--inputs " + argument + ": no such file (give a manifest of URLs or a glob)");
      }
      try {
        if (isManifest(file)) inputs.addAll(manifest(file));
        else inputs.add(fileUrl(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("--inputs " + argument + ": cannot read: " + e, e);
      }
    }
    if (inputs.isEmpty()) throw new IllegalArgumentException("--inputs: no inputs found");
    return List.copyOf(inputs);
  }

  static boolean isGlob(String argument) {
    return argument.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static List<Path> glob(String pattern, Path workingDir) {
    Path absolute = workingDir.resolve(pattern).toAbsolutePath().normalize();
    Path base = absolute.getRoot();
    int globAt = 0;
    for (Path part : absolute) {
      if (isGlob(part.toString())) break;
      base = base.resolve(part);
      globAt++;
    }
    boolean deep = pattern.contains("**");
    int depth = deep ? Integer.MAX_VALUE : absolute.getNameCount() - globAt;
    PathMatcher matcher =
        FileSystems.getDefault()
            .getPathMatcher("glob:" + absolute.toString().replace("\\", "\\\\"));
    if (!Files.isDirectory(base)) return List.of();
    try (Stream<Path> walk = Files.walk(base, depth)) {
      return walk.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("--inputs " + pattern + ": cannot list " + base, e);
    }
  }

  private static boolean isManifest(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String suffix : MANIFEST_SUFFIXES) {
      if (name.endsWith(suffix)) return true;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(4096);
    }
    for (byte b : head) {
      if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t')) return false; // binary
    }
    return new String(head, StandardCharsets.UTF_8)
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .findFirst()
        .map(l -> SCHEME.matcher(l).matches() && !l.contains(","))
        .orElse(false);
  }

  private static List<String> manifest(Path file) throws IOException {
    List<String> inputs = new ArrayList<>();
    Path dir = file.getParent();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.startsWith("#")) continue;
      inputs.add(
          SCHEME.matcher(entry).matches() && !looksLikeWindowsPath(entry)
              ? entry
              : fileUrl(dir.resolve(entry).normalize()));
    }
    return inputs;
  }

  private static boolean looksLikeWindowsPath(String entry) {
    return entry.length() > 2 && entry.charAt(1) == ':' && Character.isLetter(entry.charAt(0));
  }

  /** {@code file:///abs/path} without URL-encoding, as specs write it. */
  static String fileUrl(Path file) {
    return "file://" + file.toAbsolutePath().normalize();
  }
}
