package dev.locality.activities.stages.internal;

import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageContext;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker settings {@code allowedFileRoots} (what {@code file:} URLs may read) and {@code
 * allowedUploadRoots} (what uploads to {@code file:} targets may write): absolute directories,
 * separated by commas or the platform path separator. Unset means every path is allowed, apart from
 * what {@link FileContainment} always refuses. An instance holds one setting's roots, resolved
 * through symbolic links when they exist. Immutable.
 */
public final class AllowedFileRoots {
  private static final OptionType<List<String>> PATH_LIST =
      OptionType.simple(
          "list<path>",
          raw -> {
            List<String> paths = new ArrayList<>();
            for (String item : OptionType.COMMA_LIST.convert(raw))
              for (String part : item.split(File.pathSeparator))
                if (!part.isBlank()) paths.add(part.trim());
            return List.copyOf(paths);
          });

  /** Worker setting: the directories {@code file:} URLs may read from. */
  public static final SettingSpec<List<String>> SETTING =
      rootsSetting(
          "allowedFileRoots",
          "Absolute directories file: URLs may read from (comma-separated); unset means any path"
              + " (unrestricted) except /proc, /sys, /dev and the worker's own directories");

  /** Worker setting: the directories uploads to {@code file:} targets may write into. */
  public static final SettingSpec<List<String>> UPLOAD_SETTING =
      rootsSetting(
          "allowedUploadRoots",
          "Absolute directories uploads to file: targets may write into (comma-separated); unset"
              + " means any path (unrestricted) except /proc, /sys, /dev and the worker's own"
              + " directories");

  private static SettingSpec<List<String>> rootsSetting(String name, String description) {
    return SettingSpec.builder(name, PATH_LIST)
        .description(description)
        .defaultValue(List.of())
        .defaultText("any")
        .validator(
            roots ->
                roots.stream()
                    .filter(r -> !Path.of(r).isAbsolute())
                    .findFirst()
                    .map(r -> "'" + r + "' is not an absolute path")
                    .orElse(null))
        .build();
  }

  private final List<Path> roots;

  private AllowedFileRoots(List<Path> roots) {
    this.roots = roots;
  }

  /** The roots a stage attempt's worker setting {@code setting} allows. */
  public static AllowedFileRoots of(StageContext context, SettingSpec<List<String>> setting) {
    return of(context.setting(setting));
  }

  /** The given absolute roots; none means every path is allowed. */
  public static AllowedFileRoots of(List<String> setting) {
    if (setting.isEmpty()) return new AllowedFileRoots(null);
    List<Path> roots = new ArrayList<>();
    for (String root : setting) roots.add(canonical(Path.of(root)));
    return new AllowedFileRoots(List.copyOf(roots));
  }

  /** Whether every path is allowed (the setting is unset). */
  public boolean allowsAll() {
    return roots == null;
  }

  /**
   * Whether {@code path} (resolved through symbolic links when it exists) lies under a root; {@link
   * FileContainment} passes paths already resolved.
   */
  public boolean allows(Path path) {
    if (roots == null) return true;
    Path candidate = canonical(path);
    return roots.stream().anyMatch(candidate::startsWith);
  }

  @Override
  public String toString() {
    return roots == null ? "(all)" : roots.toString();
  }

  private static Path canonical(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    try {
      return Files.exists(normal) ? normal.toRealPath() : normal;
    } catch (IOException e) {
      return normal;
    }
  }
}
