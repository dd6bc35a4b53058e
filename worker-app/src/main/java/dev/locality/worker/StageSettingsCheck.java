package dev.locality.worker;

import dev.locality.activities.stages.csv.RecordSizeGuard;
import dev.locality.activities.stages.csv.TransformCsvStage;
import dev.locality.activities.stages.download.DownloadStage;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.activities.stages.s3.S3Clients;
import dev.locality.activities.stages.upload.UploadStage;
import dev.locality.stage.ByteSizes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the values of the built-in stages' worker settings at start-up, so a typo in a limit fails
 * the worker at once instead of every pipeline that reaches the stage. Settings the built-in stages
 * do not read (a plugin's) are passed through unchecked. Stateless.
 */
final class StageSettingsCheck {
  /** Settings the built-in stages read, with their default and meaning, for {@code --help}. */
  static final List<String[]> KNOWN =
      List.of(
          new String[] {DownloadStage.MAX_BYTES_SETTING, "100g", "largest download (size)"},
          new String[] {
            "maxUncompressedBytes", "100g", "decompress: bytes written in total (size)"
          },
          new String[] {
            "maxCompressionRatio", "1000", "decompress: output/input ratio per file (number)"
          },
          new String[] {
            "maxArchiveEntries", "100000", "decompress: archive entries read (integer)"
          },
          new String[] {
            HostPolicy.ALLOW_SETTING, "any", "hosts, *.domains, IPs, CIDRs downloads may reach"
          },
          new String[] {
            HostPolicy.DENY_SETTING, "none", "hosts, *.domains, IPs, CIDRs downloads must not reach"
          },
          new String[] {"allowedFileRoots", "any", "directories file: URLs may read (absolute)"},
          new String[] {
            TransformCsvStage.DEDUPE_MEMORY_KEYS_SETTING,
            "1000000",
            "transform-csv: dedupe keys kept in memory before spilling (integer)"
          },
          new String[] {
            TransformCsvStage.MAX_CSV_FIELD_BYTES_SETTING,
            TransformCsvStage.DEFAULT_MAX_CSV_FIELD_BYTES,
            "transform-csv: largest field or record, >= 64k (size)"
          },
          new String[] {S3Clients.ENDPOINT_SETTING, "AWS", "endpoint of an S3-compatible store"},
          new String[] {S3Clients.PATH_STYLE_SETTING, "false", "path-style S3 requests (boolean)"},
          new String[] {S3Clients.REGION_SETTING, "SDK chain", "S3 signing region"},
          new String[] {
            S3Clients.IDLE_TIMEOUT_SETTING, "120s", "an S3 request silent this long fails (retried)"
          },
          new String[] {
            UploadStage.MULTIPART_THRESHOLD_SETTING, "64m", "S3 uploads this large use multipart"
          },
          new String[] {UploadStage.PART_SIZE_SETTING, "8m", "S3 multipart part size, >= 5m"});

  private StageSettingsCheck() {}

  /** One sentence per invalid value. */
  static List<String> problems(Map<String, String> settings) {
    List<String> problems = new ArrayList<>();
    size(settings, DownloadStage.MAX_BYTES_SETTING, 1, problems);
    size(settings, "maxUncompressedBytes", 1, problems);
    size(settings, UploadStage.MULTIPART_THRESHOLD_SETTING, 1, problems);
    size(settings, UploadStage.PART_SIZE_SETTING, 5L << 20, problems);
    size(
        settings,
        TransformCsvStage.MAX_CSV_FIELD_BYTES_SETTING,
        RecordSizeGuard.MIN_LIMIT,
        problems);
    positive(settings, "maxCompressionRatio", false, problems);
    positive(settings, "maxArchiveEntries", true, problems);
    positive(settings, TransformCsvStage.DEDUPE_MEMORY_KEYS_SETTING, true, problems);
    String pathStyle = settings.get(S3Clients.PATH_STYLE_SETTING);
    if (pathStyle != null
        && !pathStyle.equalsIgnoreCase("true")
        && !pathStyle.equalsIgnoreCase("false"))
      problems.add(
          "stage setting "
              + S3Clients.PATH_STYLE_SETTING
              + ": '"
              + pathStyle
              + "' is not true or false");
    String idle = settings.get(S3Clients.IDLE_TIMEOUT_SETTING);
    if (idle != null && !idle.isBlank()) {
      try {
        S3Clients.parseIdleTimeout(idle);
      } catch (IllegalArgumentException e) {
        problems.add("stage setting " + S3Clients.IDLE_TIMEOUT_SETTING + ": " + e.getMessage());
      }
    }
    String roots = settings.get("allowedFileRoots");
    if (roots != null) {
      for (String root : roots.split("[," + java.io.File.pathSeparator + "]")) {
        if (!root.isBlank() && !Path.of(root.trim()).isAbsolute())
          problems.add("allowed file roots: '" + root.trim() + "' is not an absolute path");
      }
    }
    try {
      HostPolicy.fromSettings(name -> Optional.ofNullable(settings.get(name)));
    } catch (RuntimeException e) {
      problems.add("download host policy: " + e.getMessage());
    }
    return problems;
  }

  private static void size(
      Map<String, String> settings, String name, long min, List<String> problems) {
    String value = settings.get(name);
    if (value == null || value.isBlank()) return;
    try {
      long bytes = ByteSizes.parse(value);
      if (bytes < min)
        problems.add(
            "stage setting "
                + name
                + ": "
                + value
                + " is below the minimum "
                + ByteSizes.format(min));
    } catch (IllegalArgumentException e) {
      problems.add("stage setting " + name + ": " + e.getMessage());
    }
  }

  private static void positive(
      Map<String, String> settings, String name, boolean integer, List<String> problems) {
    String value = settings.get(name);
    if (value == null || value.isBlank()) return;
    try {
      double d = integer ? Long.parseLong(value.trim()) : Double.parseDouble(value.trim());
      if (d > 0) return;
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(
        "stage setting "
            + name
            + ": '"
            + value
            + "' is not a positive "
            + (integer ? "integer" : "number"));
  }
}
