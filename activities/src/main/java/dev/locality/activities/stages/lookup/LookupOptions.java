package dev.locality.activities.stages.lookup;

import dev.locality.activities.stages.csv.TransformCsvOptions;
import dev.locality.activities.stages.download.DownloadOptions;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** The options of the {@code lookup} stage and the worker settings it reads. */
public final class LookupOptions {
  private LookupOptions() {}

  public static final OptionSpec<String> TABLE =
      OptionSpec.builder("table", OptionType.STRING)
          .description(
              "The reference table: an http, https, file:/// or s3://bucket/key URL, fetched as"
                  + " download fetches (same host policy, allowed roots and S3 settings)")
          .required()
          .build();

  public static final OptionSpec<String> FORMAT =
      OptionSpec.builder("format", OptionType.STRING)
          .description(
              "The table's format: csv (comma-separated, header first, UTF-8), jsonl (one JSON"
                  + " object per line) or auto (by the URL's extension: .jsonl or .ndjson, else"
                  + " csv)")
          .defaultValue("auto")
          .allowedValues("auto", "csv", "jsonl")
          .build();

  public static final OptionSpec<JoinColumns> ON =
      OptionSpec.builder("on", JoinColumns.TYPE)
          .description(
              "The join column, present in the rows and the table (on: zip_code), or named apart"
                  + " (on: {input: zip, table: zip_code}); the table must hold each key once")
          .required()
          .build();

  public static final OptionSpec<List<String>> ADD =
      OptionSpec.builder("add", OptionType.STRING_LIST)
          .description(
              "Table columns appended to every row, in this order; none may already be a column"
                  + " of the rows")
          .required()
          .validator(LookupOptions::checkAdd)
          .build();

  public static final OptionSpec<String> MISSING =
      OptionSpec.builder("missing", OptionType.STRING)
          .description(
              "A row whose key the table lacks: keep (its added columns empty) or reject (to"
                  + " <name>.rejects.csv with the reason)")
          .defaultValue("keep")
          .allowedValues("keep", "reject")
          .build();

  public static final OptionSpec<String> SHA256 =
      OptionSpec.builder("sha256", OptionType.STRING)
          .description(
              "Expected SHA-256 of the table file (64 hex digits): a mismatch fails the stage,"
                  + " and a worker that has this table loaded uses it without fetching it again")
          .validator(
              v -> v.matches("[0-9a-fA-F]{64}") ? null : "expected 64 hex digits, got '" + v + "'")
          .build();

  /** Worker setting: the largest table file. */
  public static final SettingSpec<Long> MAX_TABLE_BYTES =
      SettingSpec.builder("maxLookupTableBytes", OptionType.SIZE)
          .description(
              "The largest lookup table file; a larger one is bad input. Loaded tables take"
                  + " several times this on the heap, within --resource-cache-max-bytes")
          .defaultValue(64L << 20)
          .defaultText("64m")
          .validator(b -> b < 1 ? "must be at least 1 byte" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL =
      List.of(
          TABLE,
          ON,
          ADD,
          MISSING,
          FORMAT,
          SHA256,
          TransformCsvOptions.DELIMITER,
          TransformCsvOptions.ENCODING);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS = settings();

  private static List<SettingSpec<?>> settings() {
    List<SettingSpec<?>> all = new ArrayList<>();
    all.add(MAX_TABLE_BYTES);
    all.add(TransformCsvOptions.MAX_CSV_FIELD_BYTES);
    all.addAll(DownloadOptions.SETTINGS);
    return List.copyOf(all);
  }

  private static String checkAdd(List<String> columns) {
    if (columns.isEmpty()) return "name at least one table column to add";
    HashSet<String> seen = new HashSet<>();
    for (String c : columns) {
      if (c.isBlank()) return "a column name is blank";
      if (!seen.add(c)) return "names column '" + c + "' twice";
    }
    return null;
  }
}
