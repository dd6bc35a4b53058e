package dev.locality.workflows.testing;

import dev.locality.api.checkpoint.CheckpointActivities;
import dev.locality.api.checkpoint.CheckpointLayout;
import dev.locality.api.checkpoint.CheckpointRestore;
import dev.locality.api.checkpoint.CheckpointSave;
import dev.locality.api.checkpoint.CheckpointSaved;
import dev.locality.stage.Artifact;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of the checkpoint activities: a store in memory shared by every worker given the same
 * instance. {@link #corruptAll()} makes every stored checkpoint fail its verification, as a flipped
 * byte in the store would. Records which worker ran which call.
 */
public final class FakeCheckpoints {
  private final Map<String, CheckpointSave> store = new ConcurrentHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean corrupt;
  private volatile boolean storeDown;

  /** The activities as {@code worker} runs them. */
  public CheckpointActivities on(FakeWorker worker) {
    return new CheckpointActivities() {
      @Override
      public CheckpointSaved save(CheckpointSave request) {
        calls.add("save " + request.stageIndex() + " on " + worker.workerId());
        if (storeDown) {
          throw ApplicationFailure.newNonRetryableFailure(
              "checkpoint store refused the write: Access Denied", "BadInput");
        }
        String key =
            CheckpointLayout.checkpoint(
                request.pipeline(), request.stageIndex(), request.stageType(), request.sessionId());
        store.put(request.store() + key, request);
        long bytes = request.outputs().stream().mapToLong(Artifact::bytes).sum();
        return new CheckpointSaved(
            request.store(),
            CheckpointLayout.runPrefix(request.pipeline()),
            key,
            request.outputs().size(),
            bytes);
      }

      @Override
      public long restore(CheckpointRestore request) {
        calls.add("restore on " + worker.workerId());
        CheckpointSaved saved = request.checkpoint();
        CheckpointSave stored = store.get(saved.store() + saved.key());
        if (stored == null || corrupt || !stored.outputs().equals(request.outputs())) {
          throw ApplicationFailure.newNonRetryableFailure(
              "checkpoint "
                  + saved.store()
                  + saved.key()
                  + " is unusable: "
                  + (stored == null ? "its manifest is missing" : "big.csv has a wrong SHA-256"),
              CheckpointActivities.UNUSABLE);
        }
        Activity.getExecutionContext().heartbeat(null);
        return saved.bytes();
      }

      @Override
      public int delete(String storeUrl, String runPrefix) {
        calls.add("delete on " + worker.workerId());
        int before = store.size();
        store.keySet().removeIf(k -> k.startsWith(storeUrl + runPrefix));
        return before - store.size();
      }
    };
  }

  /** Every later save fails as a store that refuses writes. */
  public void storeDown() {
    storeDown = true;
  }

  public void corruptAll() {
    corrupt = true;
  }

  public List<String> calls() {
    return List.copyOf(calls);
  }

  public int stored() {
    return store.size();
  }
}
