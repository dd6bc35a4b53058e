package dev.locality.stages.sql;

import dev.locality.stage.Progress;
import dev.locality.stage.StageContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.QueryProgress;

/**
 * Runs one statement on a thread of its own while the stage's thread heartbeats every {@link
 * #HEARTBEAT_MILLIS} ms with DuckDB's progress ({@code rows} processed of the total DuckDB expects,
 * when it knows). When a heartbeat throws (the attempt must stop) or the stage's thread is
 * interrupted, it interrupts the statement ({@link Statement#cancel}, which DuckDB honours between
 * vectors), waits for it to end, and rethrows: nothing keeps running after {@link #run} returns.
 * The context is only used from the caller's thread. One instance per statement.
 */
final class HeartbeatingQuery {
  static final long HEARTBEAT_MILLIS = 1000;

  /** How long to wait for DuckDB to stop after a cancel before giving up on it. */
  private static final long CANCEL_WAIT_SECONDS = 60;

  private final Connection connection;
  private final StageContext context;

  HeartbeatingQuery(Connection connection, StageContext context) {
    this.connection = connection;
    this.context = context;
  }

  /**
   * Executes {@code sql} and returns the rows it wrote (a {@code COPY}'s count).
   *
   * @throws SQLException DuckDB's error
   * @throws dev.locality.stage.StageCancelledException from a heartbeat, after the statement ended
   */
  long run(String sql) throws SQLException, InterruptedException {
    Statement statement = connection.createStatement();
    try {
      CompletableFuture<Long> result = new CompletableFuture<>();
      Thread runner =
          new Thread(
              () -> {
                try {
                  result.complete(execute(statement, sql));
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              },
              "sql-query-" + context.pipeline().workflowId());
      runner.setDaemon(true);
      runner.start();
      try {
        while (true) {
          try {
            return result.get(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
          } catch (TimeoutException stillRunning) {
            context.heartbeat(progress(statement));
          }
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql1) throw sql1;
        if (cause instanceof RuntimeException re) throw re;
        if (cause instanceof Error err) throw err;
        throw new SQLException(cause);
      } catch (RuntimeException | InterruptedException | Error stop) {
        cancel(statement, runner);
        throw stop;
      }
    } finally {
      statement.close();
    }
  }

  private static long execute(Statement statement, String sql) throws SQLException {
    if (statement.execute(sql)) {
      try (ResultSet rs = statement.getResultSet()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
    return statement.getLargeUpdateCount();
  }

  private static Progress progress(Statement statement) {
    try {
      QueryProgress p = statement.unwrap(DuckDBPreparedStatement.class).getQueryProgress();
      long total = p.getTotalRowsToProcess() > 0 ? p.getTotalRowsToProcess() : -1;
      return new Progress(Math.max(0, p.getRowsProcessed()), total, "rows");
    } catch (SQLException finishing) {
      return new Progress(0, -1, "rows"); // the statement just ended: the next get returns
    }
  }

  private static void cancel(Statement statement, Thread runner) {
    try {
      statement.cancel();
    } catch (SQLException alreadyDone) {
      // it ended meanwhile
    }
    try {
      runner.join(TimeUnit.SECONDS.toMillis(CANCEL_WAIT_SECONDS));
    } catch (InterruptedException again) {
      Thread.currentThread().interrupt();
    }
  }
}
