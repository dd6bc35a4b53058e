package dev.locality.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) a process has used so far, from {@code /proc/PID/stat}. On
 * a shared machine this, not wall time, is the robust cost of work done: it does not grow while a
 * process waits for a core another build holds. Stateless, thread-safe.
 */
final class CpuTime {
  /** Clock ticks per second of {@code /proc/PID/stat}'s utime and stime (USER_HZ, 100 on Linux). */
  private static final long TICKS_PER_SECOND = 100;

  private CpuTime() {}

  /** Milliseconds of CPU process {@code pid} has used, -1 when unknown (gone, not Linux). */
  static long millis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name (field 2) is in parentheses and may hold spaces: count after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      // fields 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 1000 / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** This JVM's (the bench client's). */
  static long self() {
    return millis(ProcessHandle.current().pid());
  }
}
