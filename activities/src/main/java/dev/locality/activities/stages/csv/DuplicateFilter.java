package dev.locality.activities.stages.csv;

import dev.locality.activities.stages.internal.Buffers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Keeps the first row of every key ({@code dedupe} in {@code transform-csv}) in bounded memory,
 * preserving the input order of the rows it keeps.
 *
 * <p>Keys are compared by their {@link KeyHash} (16 bytes each). Up to {@code memoryKeys} distinct
 * keys live in an in-memory set (about 34 bytes per key: 1,000,000 keys take about 34 MB) and rows
 * are decided at once: {@link Verdict#FIRST} (write it now) or {@link Verdict#DUPLICATE}. Once the
 * set is full, a row whose key is in the set is still a duplicate at once; any other row is {@link
 * Verdict#SPILLED} to a file in {@code spillDir}, since whether it is the first of its key is not
 * known yet. {@link #drainSpilled} then decides the spilled rows: it partitions them by hash into
 * files of at most about {@code memoryKeys} rows, keeps the first row of each key per partition
 * with a fresh set of at most {@code memoryKeys} keys, and merges the survivors back into input
 * order. All rows written before the set filled precede every spilled row in the input, so the
 * output keeps the input order. Disk use is about twice the spilled rows' size.
 *
 * <p>Not thread-safe. {@link #close} deletes the spill files.
 */
public final class DuplicateFilter implements Closeable {
  /** What to do with an offered row. */
  public enum Verdict {
    FIRST,
    DUPLICATE,
    SPILLED
  }

  /** Receives the spilled rows that are first of their key, in input order. */
  @FunctionalInterface
  public interface RowSink {
    void accept(String[] row) throws IOException;
  }

  private final int memoryKeys;
  private final Path spillDir;
  private final KeyHash hash = new KeyHash();
  private HashSet128 seen = new HashSet128();
  private DataOutputStream spill;
  private long spilled;
  private long duplicates;
  private long sequence;

  /**
   * @param memoryKeys distinct keys kept in memory before rows spill to disk
   * @param spillDir where spill files go (created when needed, must be deleted by the caller's
   *     clean-up on failure)
   */
  public DuplicateFilter(int memoryKeys, Path spillDir) {
    if (memoryKeys < 1) throw new IllegalArgumentException("memoryKeys must be positive");
    this.memoryKeys = memoryKeys;
    this.spillDir = spillDir;
  }

  /**
   * Decides one row.
   *
   * @param key the row's key values
   * @param row the row as written (kept in the spill file when spilled)
   */
  public Verdict offer(String[] key, String[] row) throws IOException {
    sequence++;
    hash.of(key);
    if (seen.size() < memoryKeys) {
      if (seen.add(hash.h1(), hash.h2())) return Verdict.FIRST;
      duplicates++;
      return Verdict.DUPLICATE;
    }
    if (seen.contains(hash.h1(), hash.h2())) {
      duplicates++;
      return Verdict.DUPLICATE;
    }
    if (spill == null) {
      Files.createDirectories(spillDir);
      spill = open(spillDir.resolve("spilled"));
    }
    writeRecord(spill, sequence, hash.h1(), hash.h2(), row);
    spilled++;
    return Verdict.SPILLED;
  }

  /** Rows dropped as duplicates so far (including, after {@link #drainSpilled}, spilled ones). */
  public long duplicates() {
    return duplicates;
  }

  /** Rows spilled to disk so far. */
  public long spilled() {
    return spilled;
  }

  /**
   * Hands the spilled rows that are the first of their key to {@code sink}, in input order, and
   * counts the others as duplicates. Call once, after the last {@link #offer}.
   */
  public void drainSpilled(RowSink sink) throws IOException {
    if (spill == null) return;
    spill.close();
    spill = null;
    seen = null; // the set of phase one is no longer needed: free it for the partitions
    int partitions = (int) Math.max(1, (spilled + memoryKeys - 1) / memoryKeys);
    List<Path> survivors = new ArrayList<>();
    if (partitions == 1) {
      survivors.add(keepFirsts(spillDir.resolve("spilled"), 0));
    } else {
      List<Path> parts = partition(spillDir.resolve("spilled"), partitions);
      for (int p = 0; p < parts.size(); p++) {
        survivors.add(keepFirsts(parts.get(p), p));
        Files.delete(parts.get(p));
      }
    }
    Files.delete(spillDir.resolve("spilled"));
    merge(survivors, sink);
    for (Path s : survivors) Files.delete(s);
  }

  private List<Path> partition(Path source, int partitions) throws IOException {
    List<Path> paths = new ArrayList<>();
    List<DataOutputStream> outs = new ArrayList<>();
    try {
      for (int p = 0; p < partitions; p++) {
        Path path = spillDir.resolve("partition-" + p);
        paths.add(path);
        outs.add(open(path));
      }
      try (DataInputStream in = openIn(source)) {
        SpillRecord r;
        while ((r = readRecord(in)) != null) {
          // the high bits pick the partition; the set inside uses the low bits of h1
          int p = (int) Long.remainderUnsigned(r.h2, partitions);
          writeRecord(outs.get(p), r.sequence, r.h1, r.h2, r.row);
        }
      }
    } finally {
      for (DataOutputStream out : outs) out.close();
    }
    return paths;
  }

  private Path keepFirsts(Path source, int index) throws IOException {
    Path target = spillDir.resolve("survivors-" + index);
    HashSet128 set = new HashSet128();
    try (DataInputStream in = openIn(source);
        DataOutputStream out = open(target)) {
      SpillRecord r;
      while ((r = readRecord(in)) != null) {
        if (set.add(r.h1, r.h2)) {
          writeRecord(out, r.sequence, r.h1, r.h2, r.row);
        } else {
          duplicates++;
        }
      }
    }
    return target;
  }

  private static void merge(List<Path> survivors, RowSink sink) throws IOException {
    List<DataInputStream> ins = new ArrayList<>();
    try {
      PriorityQueue<Head> heads =
          new PriorityQueue<>((a, b) -> Long.compare(a.record.sequence, b.record.sequence));
      for (Path s : survivors) {
        DataInputStream in = openIn(s);
        ins.add(in);
        SpillRecord first = readRecord(in);
        if (first != null) heads.add(new Head(first, in));
      }
      while (!heads.isEmpty()) {
        Head head = heads.poll();
        sink.accept(head.record.row);
        SpillRecord next = readRecord(head.in);
        if (next != null) heads.add(new Head(next, head.in));
      }
    } finally {
      for (DataInputStream in : ins) in.close();
    }
  }

  private record Head(SpillRecord record, DataInputStream in) {}

  private record SpillRecord(long sequence, long h1, long h2, String[] row) {}

  private static DataOutputStream open(Path path) throws IOException {
    return new DataOutputStream(
        new BufferedOutputStream(Files.newOutputStream(path), Buffers.SIZE));
  }

  private static DataInputStream openIn(Path path) throws IOException {
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(path), Buffers.SIZE));
  }

  private static void writeRecord(
      DataOutputStream out, long sequence, long h1, long h2, String[] row) throws IOException {
    out.writeLong(sequence);
    out.writeLong(h1);
    out.writeLong(h2);
    out.writeInt(row.length);
    for (String value : row) {
      if (value == null) {
        out.writeInt(-1);
      } else {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    }
  }

  private static SpillRecord readRecord(DataInputStream in) throws IOException {
    long sequence;
    try {
      sequence = in.readLong();
    } catch (EOFException end) {
      return null;
    }
    long h1 = in.readLong();
    long h2 = in.readLong();
    String[] row = new String[in.readInt()];
    for (int i = 0; i < row.length; i++) {
      int length = in.readInt();
      if (length >= 0) {
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        row[i] = new String(bytes, StandardCharsets.UTF_8);
      }
    }
    return new SpillRecord(sequence, h1, h2, row);
  }

  @Override
  public void close() throws IOException {
    if (spill != null) spill.close();
    spill = null;
    if (Files.isDirectory(spillDir)) {
      try (var files = Files.list(spillDir)) {
        for (Path f : files.toList()) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(spillDir);
    }
  }
}
