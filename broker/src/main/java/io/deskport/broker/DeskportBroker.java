package io.deskport.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The Deskport broker: control plane for desktop pools, sessions and hosts. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Modulithic(sharedModules = "shared")
public class DeskportBroker {

    public static void main(String[] args) {
        SpringApplication.run(DeskportBroker.class, args);
    }
}
