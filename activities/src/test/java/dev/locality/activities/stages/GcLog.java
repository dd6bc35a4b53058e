package dev.locality.activities.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures read from a JVM's unified GC log ({@code -Xlog:gc:file=...} or {@code gc*}): every
 * pause line ({@code Pause Young ... 120M->35M(256M) 4.1ms}, {@code Pause Full ...}, {@code Pause
 * Remark ...}) gives the heap used before and after the collection and the heap committed. The
 * figures come from the collector itself, so a test can bound them well below {@code -Xmx} (a bound
 * at {@code -Xmx} could never fail).
 *
 * @param pauses number of pause lines read
 * @param peakBeforeMiB largest heap use seen by any collection, before it ran
 * @param peakAfterMiB largest heap use left after a collection: the live set plus what the
 *     collector chose not to reclaim, the figure that grows with retained data
 * @param peakCommittedMiB largest heap the JVM had committed
 */
public record GcLog(int pauses, long peakBeforeMiB, long peakAfterMiB, long peakCommittedMiB) {
  public static final Pattern PAUSE =
      Pattern.compile("\\bPause \\S.*?\\b(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  public static GcLog read(Path log) throws IOException {
    return Files.exists(log) ? parse(Files.readString(log)) : new GcLog(0, 0, 0, 0);
  }

  public static GcLog parse(String text) {
    int pauses = 0;
    long before = 0;
    long after = 0;
    long committed = 0;
    Matcher m = PAUSE.matcher(text);
    while (m.find()) {
      pauses++;
      before = Math.max(before, Long.parseLong(m.group(1)));
      after = Math.max(after, Long.parseLong(m.group(2)));
      committed = Math.max(committed, Long.parseLong(m.group(3)));
    }
    return new GcLog(pauses, before, after, committed);
  }
}
