package io.deskport.broker.tenancy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * First-start settings of the platform ({@code deskport.bootstrap.*}).
 *
 * @param operatorPassword on a first start, create the platform operator ({@code platform}/{@code operator})
 *                         with this password; empty: do not (the demo creates one with a generated password)
 */
@ConfigurationProperties("deskport.bootstrap")
record BootstrapProperties(@DefaultValue("") String operatorPassword) {
}
