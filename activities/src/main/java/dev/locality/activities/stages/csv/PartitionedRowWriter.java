package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.Buffers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the output rows of one input into Hive-style partitions ({@link HivePartitionPath}): the
 * row goes, without its partition columns, to {@code <partition dir>/<file name>} under the output
 * directory, one file per partition.
 *
 * <p><b>Bounded open writers, spilling.</b> At most {@code maxOpen} partition files are open at a
 * time (each may buffer a Parquet row group). A row whose partition has an open file is written to
 * it; a row of a new partition while {@code maxOpen} files are open is appended to a spill file.
 * Once the input is read, the open files are closed (those partitions are complete: a partition is
 * opened at its first row or never in a pass, since files only close at its end) and the spill file
 * is read as the next pass's input, opening the next {@code maxOpen} partitions and spilling the
 * rest again, until nothing is spilled ({@link #finish}). So every partition is written in one
 * pass, into one file, rows in input order; with P partitions the rows are read at most {@code
 * ceil(P / maxOpen)} times (each pass only the rows of partitions not yet written). This was chosen
 * over sorting because it needs no comparison or run merging, keeps input order within a partition,
 * and costs nothing when the partitions fit (the usual case: tens of states, days). The spill file
 * (values length-prefixed UTF-8, nulls marked) lives in the output directory and is deleted when
 * done or failed.
 *
 * <p>Heartbeats: {@code heartbeat} runs every 4096 rows of a spill pass. Not thread-safe.
 */
final class PartitionedRowWriter implements RowWriter {
  /** Opens the file of one partition, its header (if any) written. */
  @FunctionalInterface
  interface FileOpener {
    RowWriter open(Path file) throws IOException;
  }

  /** A written partition file and its row count. */
  record Written(Path file, long rows) {}

  private final Path outputDir;
  private final String fileName;
  private final List<String> partitionNames;
  private final int[] partitionIndexes;
  private final int[] dataIndexes;
  private final FileOpener opener;
  private final int maxOpen;
  private final Runnable heartbeat;
  private final Map<String, Open> open = new LinkedHashMap<>();
  private final List<Written> written = new ArrayList<>();
  private Path spillPath;
  private DataOutputStream spill;
  private long passes = 1;

  private static final class Open {
    final Path file;
    final RowWriter writer;
    long rows;

    Open(Path file, RowWriter writer) {
      this.file = file;
      this.writer = writer;
    }
  }

  /**
   * @param partitionIndexes the partition columns' indexes in the output rows, in {@code
   *     partitionBy} order
   * @param outputColumns the number of columns of an output row
   */
  PartitionedRowWriter(
      Path outputDir,
      String fileName,
      List<String> partitionNames,
      int[] partitionIndexes,
      int outputColumns,
      FileOpener opener,
      int maxOpen,
      Runnable heartbeat) {
    this.outputDir = outputDir;
    this.fileName = fileName;
    this.partitionNames = List.copyOf(partitionNames);
    this.partitionIndexes = partitionIndexes.clone();
    this.dataIndexes = dataIndexes(partitionIndexes, outputColumns);
    this.opener = opener;
    this.maxOpen = maxOpen;
    this.heartbeat = heartbeat;
  }

  /** The indexes of the columns that are not partition columns. */
  static int[] dataIndexes(int[] partitionIndexes, int columns) {
    boolean[] partition = new boolean[columns];
    for (int p : partitionIndexes) partition[p] = true;
    int[] data = new int[columns - partitionIndexes.length];
    for (int i = 0, d = 0; i < columns; i++) if (!partition[i]) data[d++] = i;
    return data;
  }

  /**
   * Why the row cannot be partitioned (a value too long for a directory name), or null: checked
   * before the row is counted as written, so that it can go to the rejects instead.
   */
  String problem(String[] row) {
    try {
      directory(row);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Override
  public void header(List<String> names) {
    // each partition file's header is written when it is opened
  }

  @Override
  public void row(String[] row) throws IOException {
    String dir = directory(row);
    Open target = open.get(dir);
    if (target == null && open.size() < maxOpen) {
      Path file = outputDir.resolve(dir).resolve(fileName);
      Files.createDirectories(file.getParent());
      target = new Open(file, opener.open(file));
      open.put(dir, target);
    }
    if (target == null) {
      spill(row);
      return;
    }
    String[] data = new String[dataIndexes.length];
    for (int i = 0; i < data.length; i++) data[i] = row[dataIndexes[i]];
    target.writer.row(data);
    target.rows++;
  }

  /**
   * Closes the open files, then writes the spilled rows pass by pass; call once all rows are given
   * (then {@link #written} is complete).
   */
  void finish() throws IOException {
    closeOpen();
    while (spill != null) {
      spill.close();
      Path input = spillPath;
      spill = null;
      spillPath = null;
      passes++;
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(input), Buffers.SIZE))) {
        long n = 0;
        for (String[] row = read(in); row != null; row = read(in)) {
          row(row);
          if ((++n & 0xFFF) == 0) heartbeat.run();
        }
      } finally {
        Files.deleteIfExists(input);
      }
      closeOpen();
    }
  }

  /**
   * Releases what is left: after {@link #finish}, nothing; after a failure, closes the open files
   * (the caller deletes them: every file of this writer is named {@code fileName}) and deletes the
   * spill file.
   */
  @Override
  public void close() throws IOException {
    List<Open> closing = new ArrayList<>(open.values());
    open.clear();
    IOException failed = null;
    for (Open o : closing) {
      try {
        o.writer.close();
      } catch (IOException e) {
        if (failed == null) failed = e;
      }
    }
    try {
      if (spill != null) spill.close();
    } finally {
      spill = null;
      if (spillPath != null) Files.deleteIfExists(spillPath);
      spillPath = null;
    }
    if (failed != null) throw failed;
  }

  /** The files written, each with its rows, in the order they were completed. */
  List<Written> written() {
    return List.copyOf(written);
  }

  /** How many times rows were read: 1 when all partitions fit {@code maxOpen}. */
  long passes() {
    return passes;
  }

  private void closeOpen() throws IOException {
    List<Open> closing = new ArrayList<>(open.values());
    open.clear();
    for (Open o : closing) {
      o.writer.close();
      written.add(new Written(o.file, o.rows));
    }
  }

  private String directory(String[] row) {
    String[] values = new String[partitionIndexes.length];
    for (int i = 0; i < values.length; i++) values[i] = row[partitionIndexes[i]];
    return HivePartitionPath.of(partitionNames, values);
  }

  private void spill(String[] row) throws IOException {
    if (spill == null) {
      spillPath = Files.createTempFile(outputDir, ".partition-spill-", ".bin");
      spill =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(spillPath), Buffers.SIZE));
    }
    spill.writeInt(row.length);
    for (String v : row) {
      if (v == null) {
        spill.writeInt(-1);
      } else {
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        spill.writeInt(bytes.length);
        spill.write(bytes);
      }
    }
  }

  private static String[] read(DataInputStream in) throws IOException {
    int n;
    try {
      n = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    String[] row = new String[n];
    for (int i = 0; i < n; i++) {
      int length = in.readInt();
      if (length >= 0) {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        row[i] = new String(bytes, StandardCharsets.UTF_8);
      }
    }
    return row;
  }
}
