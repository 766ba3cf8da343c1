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

    /** Small changes scattered over the screen, each far from the one before (no two consecutive merge). */
    private void scatterSmall(int count, int seed) {
        for (int i = 0; i < count; i++) {
            int k = i + seed;
            damage.add((k * 397) % 1000, (k * 131) % 650, 40, 8);
        }
    }

    @Test
    void aTypedCharacterStaysSmallWhenItArrivesAfterMoreSmallChangesThanAreKeptApart() {
        scatterSmall(30, 0);
        damage.add(1103, 744, 6, 11);
        scatterSmall(70, 30);

        assertThat(damage.takeSmall(DamageTracker.SMALL_AREA, 0)).contains(new DamageTracker.Region(1103, 744, 6, 11));
    }

    @Test
    void aTypedCharacterIsNotMergedWithASmallChangeSomeWayOffIntoALargeOne() {
        damage.add(1000, 700, 40, 8); // a small change 60 px up and 100 px left of the echo
        damage.add(1103, 744, 6, 11);
        scatterSmall(70, 0);

        assertThat(damage.takeSmall(DamageTracker.SMALL_AREA, 0)).contains(new DamageTracker.Region(1103, 744, 6, 11));
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
