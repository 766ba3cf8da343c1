package io.deskport.gateway.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How changed rectangles are merged into regions, and which changes stay small. */
class DamageTrackerTest {

    private final DamageTracker damage = new DamageTracker();

    DamageTrackerTest() {
        damage.resize(1280, 800);
    }

    /** Many scattered changes across the screen (a terminal full of new text, a dragged window). */
    private void scatter() {
        for (int i = 0; i < 80; i++) {
            damage.add((i % 10) * 110, (i / 10) * 90, 100, 40);
        }
    }

    @Test
    void aTypedLineStaysSmallWhenScatteredChangesAreMergedIntoOneBox() {
        scatter();
        damage.add(1101, 740, 76, 17); // a 76x17 line: more than 1024 pixels
        scatter();

        assertThat(damage.hasSmall(DamageTracker.SMALL_AREA)).isTrue();
        assertThat(damage.take(0)).contains(new DamageTracker.Region(1101, 740, 76, 17));
    }

    @Test
    void aTypedLineIsNotMergedIntoALargeChangeNearby() {
        damage.add(850, 300, 370, 230); // a dragged window
        damage.add(1101, 740, 76, 17); // the echo of a key below it: a 76x17 line
        for (int i = 0; i < 64; i++) {
            damage.add((i * 3 % 8) * 100, (i / 8) * 90, 80, 70); // scattered changes far away
        }

        assertThat(damage.takeSmall(DamageTracker.SMALL_AREA, 0)).contains(new DamageTracker.Region(1101, 740, 76, 17));
    }
}
