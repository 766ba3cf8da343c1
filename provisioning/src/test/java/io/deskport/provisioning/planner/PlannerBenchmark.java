package io.deskport.provisioning.planner;

/**
 * Times full planning cycles over 100 hosts and 10,000 desktops. Not a test: run it with
 * {@code java -cp target/classes:target/test-classes io.deskport.provisioning.planner.PlannerBenchmark}.
 */
public final class PlannerBenchmark {

    private PlannerBenchmark() {
    }

    public static void main(String[] args) {
        PlanningInput input = LargeCluster.generate(7, 100, 200, 50);
        ReconcilePlanner planner = new ReconcilePlanner(new PlannerSettings(4, 10, 4.0, 1.0, 2.0));
        int actions = 0;
        for (int i = 0; i < 20; i++) {
            actions = planner.plan(input).actions().size(); // warm-up
        }
        int rounds = 50;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            actions = planner.plan(input).actions().size();
        }
        double ms = (System.nanoTime() - start) / 1e6 / rounds;
        long coldStart = System.nanoTime();
        new ReconcilePlanner(new PlannerSettings(4, 10, 4.0, 1.0, 2.0))
                .plan(LargeCluster.generate(8, 100, 200, 50));
        System.out.printf("planner: 100 hosts, 10000 desktops: %.2f ms per cycle warm, %d actions; "
                + "another input: %.2f ms%n", ms, actions, (System.nanoTime() - coldStart) / 1e6);
    }
}
