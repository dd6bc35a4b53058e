package dev.locality.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** What every section works with: the options, the data and the servers the run started. */
final class BenchContext {
  final Options options;
  final Path work;

  /** The measured file's description ({@link TestData#prepare}). */
  final ObjectNode data;

  /** The small file's (warm-up and section 5). */
  final ObjectNode smallData;

  final Origin origin;
  final TemporalServer temporal;
  final Workers workers;
  final S3Proxy s3;
  final Specs specs;

  BenchContext(
      Options options,
      Path work,
      ObjectNode data,
      ObjectNode smallData,
      Origin origin,
      TemporalServer temporal,
      Children children) {
    this.options = options;
    this.work = work;
    this.data = data;
    this.smallData = smallData;
    this.origin = origin;
    this.temporal = temporal;
    this.workers = new Workers(options, work, temporal, children);
    this.s3 = new S3Proxy(options, work, children);
    this.specs = new Specs(work);
  }

  Path dataFile() {
    return Path.of(data.get("file").asText());
  }

  Path smallDataFile() {
    return Path.of(smallData.get("file").asText());
  }

  /** Uncompressed CSV bytes of the measured file. */
  long csvBytes() {
    return data.get("bytes").asLong();
  }
}
