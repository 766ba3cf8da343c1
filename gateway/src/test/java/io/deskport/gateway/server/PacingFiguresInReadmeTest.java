package io.deskport.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The gateway README's pacing figures are {@link FramePacer}'s: a changed constant fails here until the text follows. */
class PacingFiguresInReadmeTest {

    @Test
    void theReadmeGivesThePacersLongestFrameAndCostBudget() throws Exception {
        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        assertThat(readme).contains("stretched up to " + FramePacer.MAX_FRAME_MILLIS + " ms")
                .contains("encoding stays near 1/" + FramePacer.COST_FACTOR + " of a core");
        assertThat(readme).doesNotContainPattern("1/(?!" + FramePacer.COST_FACTOR + "\\b)\\d+[- ]core");
    }
}
