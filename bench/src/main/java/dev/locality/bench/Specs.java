package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.stage.StageRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pipeline specs the sections run, written as JSON files into the work directory. */
final class Specs {
  /** The benchmark pipeline's stages, in order. */
  static final List<String> STAGES = List.of("download", "decompress", "transform-csv", "upload");

  static final String CEL_FILTER = "status != \"cancelled\"";

  private final Path work;

  Specs(Path work) {
    this.work = work;
  }

  /**
   * The benchmark pipeline: download the URL, gunzip, transform, upload to {@code outDir}, in its
   * fast spelling: {@code decompress: {materialize: false}} hands the {@code .gz} on and
   * transform-csv inflates it on a second core while it parses.
   */
  static List<Map<String, Object>> pipelineStages(String url, Path outDir) {
    return pipelineStages(url, outDir, false);
  }

  /**
   * The benchmark pipeline with decompress's {@code materialize} as given ({@code true}: the
   * decompressed CSV is written to disk and transform-csv reads it, one stage after the other).
   */
  static List<Map<String, Object>> pipelineStages(String url, Path outDir, boolean materialize) {
    Map<String, Object> decompress = stage("decompress", "format", "gzip");
    if (!materialize) decompress.put("materialize", false);
    return List.of(
        stage("download", "url", url),
        decompress,
        transformStage(),
        stage("upload", "to", "file://" + outDir.toAbsolutePath() + "/{name}/{runId}/{file}"));
  }

  /** Keep 8 of the 10 columns, rename {@code amount}, drop the cancelled rows. */
  static Map<String, Object> transformStage() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "transform-csv");
    t.put(
        "select",
        List.of("id", "created_at", "customer_id", "amount", "currency", "status", "city", "note"));
    t.put("rename", Map.of("amount", "amount_usd"));
    t.put("filter", CEL_FILTER);
    return t;
  }

  static Map<String, Object> stage(String type, String key, Object value) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", type);
    s.put(key, value);
    return s;
  }

  static Map<String, Object> stage(
      String type, String key, Object value, String key2, Object value2) {
    Map<String, Object> s = stage(type, key, value);
    s.put(key2, value2);
    return s;
  }

  /** Writes {@code WORK/spec-NAME.json} and returns its path. */
  Path write(String name, List<Map<String, Object>> stages, String heartbeat) throws IOException {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("session", Map.of("heartbeatTimeout", heartbeat));
    spec.put("stages", stages);
    Path file = work.resolve("spec-" + name + ".json");
    JSON.writeValue(file.toFile(), spec);
    return file;
  }

  /**
   * The benchmark pipeline over {@code url} with a 10 s heartbeat timeout, written as {@code
   * WORK/spec-NAME.json} and parsed (the small pipelines and the warm-up run it).
   */
  PipelineSpec writeAndParse(String name, String url, Path outDir) throws IOException {
    return parse(write(name, pipelineStages(url, outDir), "10s"));
  }

  /** A spec file parsed as the CLI does (with the stages on the class path). */
  static PipelineSpec parse(Path specFile) throws IOException {
    return new SpecParser(StageRegistry.load(Specs.class.getClassLoader())).parse(specFile);
  }
}
