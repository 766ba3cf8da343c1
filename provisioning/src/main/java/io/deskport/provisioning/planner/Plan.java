package io.deskport.provisioning.planner;

import java.util.List;

/**
 * The result of one planning cycle: actions to start now, and notes on what was held back.
 *
 * @param actions the actions, most urgent first
 * @param notes   what could not be done and why
 */
public record Plan(List<PlannedAction> actions, List<PlanNote> notes) {

    public Plan {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
    }

    /** The actions for one pool. */
    public List<PlannedAction> actionsFor(String poolId) {
        return actions.stream().filter(a -> a.poolId().equals(poolId)).toList();
    }

    /** The notes for one pool. */
    public List<PlanNote> notesFor(String poolId) {
        return notes.stream().filter(n -> n.poolId().equals(poolId)).toList();
    }
}
