package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.locality.activities.session.MdcScope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A private logback context with one appender, as logback.xml configures it. */
  private LoggerContext context() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter()); // the adapter MdcScope writes to
    context.start();
    PatternLayoutEncoder encoder = new RedactingLogEncoders.Pattern();
    encoder.setContext(context);
    encoder.setPattern("%X{workerId} %msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return context;
  }

  @Test
  void jsonFormatWritesOneObjectPerLineWithTheMdc() {
    LoggerContext context = context();
    LogSetup.apply(context, LogSetup.Format.JSON, "w-json");
    Logger log = context.getLogger("test");

    try (MdcScope ignored = MdcScope.of("wf-9", "s-1", "w-json").with(MdcScope.STAGE, "upload")) {
      log.info("hello {}", "there");
    }

    String line =
        out.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("hello"))
            .findFirst()
            .orElseThrow();
    assertThat(line)
        .startsWith("{")
        .endsWith("}")
        .contains("\"level\":\"INFO\"")
        .contains("\"formattedMessage\":\"hello there\"")
        .contains("\"workflowId\":\"wf-9\"")
        .contains("\"sessionId\":\"s-1\"")
        .contains("\"stage\":\"upload\"")
        .contains("\"workerId\":\"w-json\"");
  }

  @Test
  void textFormatFillsInTheWorkerIdWhereNoSessionSetIt() throws Exception {
    LoggerContext context = context();
    LogSetup.apply(context, LogSetup.Format.TEXT, "w-text");
    Thread thread = new Thread(() -> context.getLogger("test").info("from another thread"));
    thread.start();
    thread.join();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("w-text from another thread");
  }

  @Test
  void noUrlSecretReachesTheLogInTextOrJson() {
    for (LogSetup.Format format : LogSetup.Format.values()) {
      out.reset();
      LoggerContext context = context();
      LogSetup.apply(context, format, "w-" + format);
      Logger log = context.getLogger("a.library");

      log.info("fetching {}", "https://user:S3CRETMARK@host/a.csv?sig=S3CRETMARK");
      log.warn(
          "failed",
          new java.io.IOException(
              "GET s3://k:S3CRETMARK@b/k", new IllegalStateException("/x?token=S3CRETMARK")));

      assertThat(out.toString(StandardCharsets.UTF_8))
          .as(format.name())
          .contains("fetching https://***@host/a.csv?***")
          .contains("GET s3://***@b/k")
          .doesNotContain("S3CRETMARK");
    }
  }
}
