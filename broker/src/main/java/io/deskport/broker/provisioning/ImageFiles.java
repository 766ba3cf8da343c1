package io.deskport.broker.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;

/**
 * Which files an image version may name. With libvirt a golden disk becomes the backing store of the
 * tenant's desktops, so a tenant admin may only name a regular file inside the tenant's own image
 * directory, {@code <image-root>/<tenant id>/} — after normalisation and following every symbolic link,
 * so neither {@code ../}, nor another tenant's image, nor {@code /etc/shadow} or {@code /dev/sda} get
 * through. The kernel, initrd and kernel command line decide how the machine boots (a command line like
 * {@code init=/bin/sh}); they are the platform's: only platform admins set them, with files anywhere
 * under the image root.
 */
@Component
class ImageFiles {

    private static final int MAX_CMDLINE = 2000;

    private final Path root;

    ImageFiles(ProvisioningProperties properties) {
        try {
            Path configured = properties.imageRoot().toAbsolutePath().normalize();
            Files.createDirectories(configured);
            this.root = configured.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("deskport.provisioning.image-root " + properties.imageRoot()
                    + " cannot be created or read", e);
        }
    }

    /** @return the directory a tenant's golden disks are published from */
    Path tenantDirectory(UUID tenantId) {
        return root.resolve(tenantId.toString());
    }

    /**
     * Checks an image version before it is published and returns it with every path resolved (real
     * paths: a symbolic link changed later does not move a published image).
     *
     * @param bootSettingsGiven the boot settings are those a platform admin gave a version of the tenant's already
     *                          (a copy): they are kept whoever publishes it, their files checked again
     * @throws ProblemException VALIDATION_FAILED naming each refused member
     */
    PoolProvisioning.ImageSpec confine(AdminContext ctx, PoolProvisioning.ImageSpec spec, boolean bootSettingsGiven) {
        List<ProblemResponses.FieldError> errors = new ArrayList<>();
        boolean platform = bootSettingsGiven || ctx.actor().isPlatformAdmin();
        String golden = file(errors, "goldenDiskPath", spec.goldenDiskPath(), tenantDirectory(ctx.tenantId()),
                "the tenant's image directory");
        String kernel = null;
        String initrd = null;
        String cmdline = null;
        if (!platform) {
            platformOnly(errors, "kernelPath", spec.kernelPath());
            platformOnly(errors, "initrdPath", spec.initrdPath());
            platformOnly(errors, "kernelCmdline", spec.kernelCmdline());
        } else {
            kernel = spec.kernelPath() == null ? null : file(errors, "kernelPath", spec.kernelPath(), root, "the image root");
            initrd = spec.initrdPath() == null ? null : file(errors, "initrdPath", spec.initrdPath(), root, "the image root");
            cmdline = spec.kernelCmdline();
            if (cmdline != null && (cmdline.length() > MAX_CMDLINE || cmdline.chars().anyMatch(Character::isISOControl))) {
                errors.add(new ProblemResponses.FieldError("kernelCmdline", "must be one line of at most "
                        + MAX_CMDLINE + " characters", null));
            }
            if (initrd != null && kernel == null) {
                errors.add(new ProblemResponses.FieldError("kernelPath", "is required with an initrd", null));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, errors.size() == 1
                    ? errors.getFirst().field() + ": " + errors.getFirst().message()
                    : errors.size() + " fields are invalid", Map.of("errors", errors));
        }
        return new PoolProvisioning.ImageSpec(spec.label(), golden, kernel, initrd, cmdline);
    }

    private static void platformOnly(List<ProblemResponses.FieldError> errors, String field, String value) {
        if (value != null) {
            errors.add(new ProblemResponses.FieldError(field, "is set by platform admins only (how desktops boot "
                    + "is the platform's choice)", null));
        }
    }

    /** @return the real path of a regular file inside {@code directory}, or null after adding an error */
    private static String file(List<ProblemResponses.FieldError> errors, String field, String value, Path directory,
                               String where) {
        String inside = "must name an existing image file inside " + where;
        if (value == null) {
            errors.add(new ProblemResponses.FieldError(field, "is required", null));
            return null;
        }
        try {
            Path given = Path.of(value);
            if (!given.isAbsolute()) {
                errors.add(new ProblemResponses.FieldError(field, inside, value));
                return null;
            }
            Path real = given.toRealPath();
            if (!real.startsWith(directory.toRealPath()) || !Files.isRegularFile(real)) {
                errors.add(new ProblemResponses.FieldError(field, inside, value));
                return null;
            }
            return real.toString();
        } catch (IOException | InvalidPathException e) {
            errors.add(new ProblemResponses.FieldError(field, inside, value));
            return null;
        }
    }
}
