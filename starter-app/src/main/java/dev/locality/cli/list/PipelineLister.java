package dev.locality.cli.list;

import com.google.protobuf.ByteString;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.cli.inspect.Executions;
import dev.locality.cli.start.PipelineStarter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Lists pipeline runs (workflow type {@value PipelineWorkflow#TYPE}), newest first.
 *
 * <p>It uses the legacy visibility calls ListOpenWorkflowExecutions / ListClosedWorkflowExecutions,
 * which every Temporal server answers, including the Java test server (which implements neither
 * ListWorkflowExecutions nor CountWorkflowExecutions, ignores the type filter and leaves out memo
 * and close time). When a server does not implement the legacy calls it falls back to
 * ListWorkflowExecutions with a visibility query. Type and status are always checked again here,
 * and a row missing its name or close time is completed with DescribeWorkflowExecution (at most
 * {@code limit} calls). Thread-safe.
 */
public final class PipelineLister {
  private static final int PAGE = 100;

  private final WorkflowClient client;

  public PipelineLister(WorkflowClient client) {
    this.client = client;
  }

  /** Which runs to list. */
  public enum Filter {
    ALL,
    RUNNING,
    /** Ended without success: failed, cancelled, terminated or timed out. */
    FAILED;

    boolean accepts(WorkflowExecutionStatus status) {
      switch (this) {
        case RUNNING:
          return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        case FAILED:
          return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED
              || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
        default:
          return true;
      }
    }
  }

  /**
   * @param source which API answered: {@code legacy} or {@code visibility}
   */
  public record Listing(List<PipelineRow> rows, String source) {}

  /** The newest {@code limit} pipeline runs that pass {@code filter}. */
  public Listing list(Filter filter, int limit) {
    List<WorkflowExecutionInfo> found;
    String source;
    try {
      found = legacy(filter, limit);
      source = "legacy";
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) throw e;
      found = visibility(filter, limit);
      source = "visibility";
    }
    List<PipelineRow> rows =
        found.stream()
            .sorted(
                Comparator.comparingLong(
                        (WorkflowExecutionInfo i) -> Executions.millis(i.getStartTime()))
                    .reversed())
            .limit(limit)
            .map(this::row)
            .toList();
    return new Listing(rows, source);
  }

  private List<WorkflowExecutionInfo> legacy(Filter filter, int limit) {
    Predicate<WorkflowExecutionInfo> wanted = wanted(filter);
    List<WorkflowExecutionInfo> found = new ArrayList<>();
    WorkflowTypeFilter type =
        WorkflowTypeFilter.newBuilder().setName(PipelineWorkflow.TYPE).build();
    if (filter != Filter.FAILED) {
      collect(
          token -> {
            ListOpenWorkflowExecutionsResponse page =
                stub()
                    .listOpenWorkflowExecutions(
                        ListOpenWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(namespace())
                            .setMaximumPageSize(PAGE)
                            .setTypeFilter(type)
                            .setNextPageToken(token)
                            .build());
            return new Page(page.getExecutionsList(), page.getNextPageToken());
          },
          wanted,
          limit,
          found);
    }
    if (filter != Filter.RUNNING) {
      collect(
          token -> {
            ListClosedWorkflowExecutionsResponse page =
                stub()
                    .listClosedWorkflowExecutions(
                        ListClosedWorkflowExecutionsRequest.newBuilder()
                            .setNamespace(namespace())
                            .setMaximumPageSize(PAGE)
                            .setTypeFilter(type)
                            .setNextPageToken(token)
                            .build());
            return new Page(page.getExecutionsList(), page.getNextPageToken());
          },
          wanted,
          limit,
          found);
    }
    return found;
  }

  /** One page of a listing and the token of the next ({@code EMPTY} after the last). */
  private record Page(List<WorkflowExecutionInfo> executions, ByteString next) {}

  /**
   * Adds the {@code wanted} executions of every page {@code pages} returns for a token to {@code
   * found}, until the last page or {@code limit} of them were found.
   */
  private static void collect(
      Function<ByteString, Page> pages,
      Predicate<WorkflowExecutionInfo> wanted,
      int limit,
      List<WorkflowExecutionInfo> found) {
    ByteString token = ByteString.EMPTY;
    int matched = 0;
    do {
      Page page = pages.apply(token);
      for (WorkflowExecutionInfo info : page.executions()) {
        if (wanted.test(info)) {
          found.add(info);
          matched++;
        }
      }
      token = page.next();
    } while (!token.isEmpty() && matched < limit);
  }

  private List<WorkflowExecutionInfo> visibility(Filter filter, int limit) {
    String query = "WorkflowType = '" + PipelineWorkflow.TYPE + "'";
    if (filter == Filter.RUNNING) query += " AND ExecutionStatus = 'Running'";
    if (filter == Filter.FAILED) {
      query += " AND ExecutionStatus IN ('Failed', 'Canceled', 'Terminated', 'TimedOut')";
    }
    Predicate<WorkflowExecutionInfo> wanted = wanted(filter);
    List<WorkflowExecutionInfo> found = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page =
          stub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(namespace())
                      .setPageSize(PAGE)
                      .setQuery(query)
                      .setNextPageToken(token)
                      .build());
      page.getExecutionsList().stream().filter(wanted).forEach(found::add);
      token = page.getNextPageToken();
    } while (!token.isEmpty() && found.size() < limit);
    return found;
  }

  private static Predicate<WorkflowExecutionInfo> wanted(Filter filter) {
    return info ->
        PipelineWorkflow.TYPE.equals(info.getType().getName()) && filter.accepts(info.getStatus());
  }

  private PipelineRow row(WorkflowExecutionInfo listed) {
    WorkflowExecutionInfo info = listed;
    boolean closed = info.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    if (!info.getMemo().containsFields(PipelineStarter.MEMO_PIPELINE)
        || (closed && !info.hasCloseTime())) {
      info = describe(listed).orElse(listed);
    }
    return new PipelineRow(
        info.getExecution().getWorkflowId(),
        info.getExecution().getRunId(),
        memoString(info, PipelineStarter.MEMO_PIPELINE),
        Executions.statusName(info.getStatus()),
        info.hasStartTime() ? Executions.millis(info.getStartTime()) : 0,
        info.hasCloseTime() ? Executions.millis(info.getCloseTime()) : 0);
  }

  private Optional<WorkflowExecutionInfo> describe(WorkflowExecutionInfo info) {
    try {
      return Executions.describe(
              client, info.getExecution().getWorkflowId(), info.getExecution().getRunId())
          .map(d -> d.getWorkflowExecutionInfo());
    } catch (StatusRuntimeException e) {
      return Optional.empty(); // show what the listing had
    }
  }

  private String memoString(WorkflowExecutionInfo info, String key) {
    Payload payload = info.getMemo().getFieldsMap().get(key);
    if (payload == null) return null;
    try {
      return client
          .getOptions()
          .getDataConverter()
          .fromPayload(payload, String.class, String.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private WorkflowServiceBlockingStub stub() {
    return client.getWorkflowServiceStubs().blockingStub();
  }

  private String namespace() {
    return client.getOptions().getNamespace();
  }
}
