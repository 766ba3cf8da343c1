package io.deskport.broker.shared;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiteralPrefixHandlerMappingTest {

    @Test
    void aPatternsLiteralPrefixEndsAtItsFirstVariableOrWildcard() {
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("/api/v1/pools/{poolId}/connect"))
                .isEqualTo("/api/v1/pools/");
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("/api/v1/sessions")).isEqualTo("/api/v1/sessions");
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("/assets/**")).isEqualTo("/assets/");
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("/files/a?c")).isEqualTo("/files/a");
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("/{*path}")).isEqualTo("/");
        assertThat(LiteralPrefixHandlerMapping.Mapping.literalPrefix("")).isEmpty();
    }
}
