package dev.locality.activities.stages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Hostile archives built in memory with Commons Compress: entries no archiver writes on request
 * (paths escaping the output directory, absolute paths, symbolic and hard links), for tests that
 * expect bad input. Successful inputs come from the system tools ({@link SystemTools}), so the
 * library under test never makes the data it is judged on.
 */
public final class Fixtures {
  private Fixtures() {}

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) out.writeBytes(part);
    return out.toByteArray();
  }

  public static byte[] truncated(byte[] data, int keep) {
    return Arrays.copyOf(data, keep);
  }

  /** A tar of regular files: name, content, name, content, ... */
  public static byte[] tar(String... namesAndContents) {
    return tar(
        tar -> {
          for (int i = 0; i < namesAndContents.length; i += 2) {
            file(tar, namesAndContents[i], namesAndContents[i + 1]);
          }
        });
  }

  public static byte[] tar(TarWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      writer.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static void file(TarArchiveOutputStream tar, String name, String content)
      throws IOException {
    byte[] data = utf8(content);
    TarArchiveEntry entry = new TarArchiveEntry(name, name.startsWith("/"));
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  public static void link(TarArchiveOutputStream tar, String name, String target, boolean symbolic)
      throws IOException {
    TarArchiveEntry entry =
        new TarArchiveEntry(name, symbolic ? TarConstants.LF_SYMLINK : TarConstants.LF_LINK);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  /** A zip of regular files: name, content, name, content, ... */
  public static byte[] zip(String... namesAndContents) {
    return zip(false, namesAndContents);
  }

  /** A zip whose entries are all symbolic links: name, target, ... */
  public static byte[] zipOfSymlinks(String... namesAndTargets) {
    return zip(true, namesAndTargets);
  }

  private static byte[] zip(boolean symlinks, String... namesAndContents) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        ZipArchiveEntry entry = new ZipArchiveEntry(namesAndContents[i]);
        if (symlinks) entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
        zip.putArchiveEntry(entry);
        zip.write(utf8(namesAndContents[i + 1]));
        zip.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @FunctionalInterface
  public interface TarWriter {
    void write(TarArchiveOutputStream tar) throws IOException;
  }
}
