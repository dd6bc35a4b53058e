package dev.locality.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.FilterReply;
import dev.locality.activities.session.MdcScope;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Turns the worker process's logging into what operators asked for, after the options are known:
 * every line carries the worker id (from the MDC key {@code workerId}, set where no session or
 * stage set it already), and with {@link Format#JSON} every console appender writes one JSON object
 * per event with logback's own {@link JsonEncoder} (MDC keys {@code workerId}, {@code workflowId},
 * {@code sessionId}, {@code stage} under {@code mdc}). Does nothing when logback is not the SLF4J
 * backend. Call once, from the main thread, before the worker starts.
 */
final class LogSetup {
  /** Console log formats. */
  enum Format {
    TEXT,
    JSON;

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    static Format parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not a log format (text or json)");
      }
    }
  }

  private LogSetup() {}

  static void apply(Format format, String workerId) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
      apply(context, format, workerId);
  }

  /** As {@link #apply(Format, String)} on a given logback context. */
  static void apply(LoggerContext context, Format format, String workerId) {
    DefaultWorkerId filter = new DefaultWorkerId(workerId);
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    if (format != Format.JSON) return;
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
        JsonEncoder encoder = new RedactingLogEncoders.Json();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true); // the message with its arguments filled in
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.start();
        appender.setEncoder(encoder); // before any worker thread logs; no header to write
      }
    }
  }

  /** Puts the worker id into the MDC of any thread that logs without one. */
  private static final class DefaultWorkerId extends TurboFilter {
    private final String workerId;

    DefaultWorkerId(String workerId) {
      this.workerId = workerId;
    }

    @Override
    public FilterReply decide(
        Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
      if (MDC.get(MdcScope.WORKER_ID) == null) MDC.put(MdcScope.WORKER_ID, workerId);
      return FilterReply.NEUTRAL;
    }
  }
}
