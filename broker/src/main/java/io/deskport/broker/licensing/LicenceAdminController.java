package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;

/**
 * Tenant administration of licences: products, their licences (purchases), the products a pool consumes, and
 * the seats held and their history. Every refusal is a problem with the figures an admin acts on.
 */
@RestController
@RequestMapping("/api/v1/admin")
@Validated
class LicenceAdminController {

    private static final int MAX_SEATS = 1_000_000;
    private static final int MAX_DAYS = 3650;
    private static final String ETAG = "The resource's version as an entity tag (e.g. `\"7\"`): send it back in "
            + "`If-Match` to change the resource";
    private static final String FORCE = "Lower the seats in force below the seats in use if the change does: the "
            + "holders keep their seats, new ones are refused until enough are given back. Without it such a change "
            + "is refused (409 CONFLICT with `seats`, `seatsInUse`, `capacity` asked and `capacityBefore`). ";

    private final LicenceProducts products;
    private final Licences licences;
    private final PoolLicences poolLicences;
    private final LicenceSeatAdmin seats;
    private final MergePatch mergePatch;

    LicenceAdminController(LicenceProducts products, Licences licences, PoolLicences poolLicences,
                           LicenceSeatAdmin seats, MergePatch mergePatch) {
        this.products = products;
        this.licences = licences;
        this.poolLicences = poolLicences;
        this.seats = seats;
        this.mergePatch = mergePatch;
    }

    record CreateProduct(@NotBlank @Size(max = 200) String name, @Size(max = 200) String vendor,
                         @Size(max = 100) String sku, @NotNull LicenceModel model, Boolean releaseOnDisconnect,
                         @Min(1) @Max(MAX_DAYS) Integer unusedDays) {
    }

    /** {@code unusedDays}: 0 (or a merge patch's null) is "never"; {@code model} is accepted only as it is. */
    record UpdateProduct(@Size(min = 1, max = 200) String name, @Size(max = 200) String vendor,
                         @Size(max = 100) String sku, LicenceModel model, Boolean releaseOnDisconnect,
                         @PositiveOrZero @Max(MAX_DAYS) Integer unusedDays) {
    }

    record CreateLicence(@NotNull @PositiveOrZero @Max(MAX_SEATS) Integer seats, Instant validFrom, Instant validUntil,
                         @NotNull Enforcement enforcement, @PositiveOrZero @Max(MAX_SEATS) Integer overuseMargin,
                         @PositiveOrZero @Max(MAX_DAYS) Integer graceDays, @Size(max = 500) String reference) {
    }

    /** {@code perpetual: true} removes the end ({@code validUntil}); so does a merge patch's null. */
    record UpdateLicence(@PositiveOrZero @Max(MAX_SEATS) Integer seats, Instant validFrom, Instant validUntil,
                         Boolean perpetual, Enforcement enforcement, @PositiveOrZero @Max(MAX_SEATS) Integer overuseMargin,
                         @PositiveOrZero @Max(MAX_DAYS) Integer graceDays, @Size(max = 500) String reference) {
    }

    /** Filters of the product list: {@code q} (words in the name, vendor or SKU), {@code model}. */
    record ProductQuery(@Size(max = 200) String q, LicenceModel model) {
    }

    /**
     * Filters of the seat list: {@code released} (false, the default: the seats held now; true: the holdings that
     * ended), {@code userId}, {@code q} (words in the holder, the user's name or the desktop's name).
     */
    record SeatQuery(Boolean released, UUID userId, @Size(max = 200) String q) {
    }

    /** Filters of the pools consuming a product: {@code q} (words in the pool's name or description), {@code kind}. */
    record ConsumerQuery(@Size(max = 200) String q, PoolKind kind) {
    }

    /** The tenant's licence products with their figures now, a page at a time; sort: {@code name} (default), {@code createdAt}. */
    @GetMapping("/licence-products")
    @Operation(description = "The tenant's licence products with their figures now: `seats`, `enforcement` and "
            + "`overuseMargin` of the licence in force (`licenceInForce`: its id, validity, grace), `capacity` (what "
            + "connects may take now), `seatsInUse`, and how many `pools` consume each. Sort: `name` (default), "
            + "`createdAt`.")
    ResponseEntity<List<LicenceProduct>> listProducts(AdminContext ctx, @ParameterObject @Valid ProductQuery query,
                                                      @ParameterObject @Valid PageParams page) {
        return products.page(ctx.tenantId(), new LicenceProducts.ProductFilter(query.q(), query.model(), null), page).ok();
    }

    @PostMapping("/licence-products")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(description = "A new product, without seats until a licence of it is in force. `releaseOnDisconnect` "
            + "only for CONCURRENT_USER; `unusedDays` (seats unused this long are given back; left out: never) only for "
            + "NAMED_USER and PER_DEVICE. The model never changes.")
    @ApiResponse(responseCode = "201", description = "Created", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<LicenceProduct> createProduct(AdminContext ctx, @Valid @RequestBody CreateProduct b) {
        return products.create(ctx, new LicenceProducts.NewProduct(b.name(), b.vendor(), b.sku(), b.model(),
                b.releaseOnDisconnect(), b.unusedDays())).created();
    }

    @GetMapping("/licence-products/{id}")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<LicenceProduct> getProduct(AdminContext ctx, @PathVariable UUID id) {
        return products.get(ctx.tenantId(), id).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/licence-products/{id}")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<LicenceProduct> updateProduct(AdminContext ctx, @PathVariable UUID id,
                                                 @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                 @Valid @RequestBody UpdateProduct b) {
        return products.update(ctx, id, new IfMatch(ifMatch), new LicenceProducts.ProductChange(b.name(), b.vendor(),
                b.sku(), b.model(), b.releaseOnDisconnect(), b.unusedDays())).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396): null empties the vendor or SKU, and makes unusedDays "never". */
    @PatchMapping(path = "/licence-products/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<LicenceProduct> mergePatchProduct(AdminContext ctx, @PathVariable UUID id,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                     @RequestBody JsonNode patch) {
        return updateProduct(ctx, id, ifMatch, mergePatch.read(patch, UpdateProduct.class,
                Map.of("vendor", "", "sku", "", "unusedDays", 0)));
    }

    @DeleteMapping("/licence-products/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(description = "Removes the product with its licences and its whole seat history (held and released "
            + "seats, overuse periods): the compliance reports know nothing of it afterwards. Refused (409 IN_USE, with "
            + "`pools`, `consumedBy` and `seatsInUse`) while a pool consumes it or a seat of it is held.")
    void deleteProduct(AdminContext ctx, @PathVariable UUID id) {
        products.delete(ctx, id);
    }

    /** The product's licences, a page at a time; sort: {@code validFrom} (default), {@code createdAt}. */
    @GetMapping("/licence-products/{id}/licences")
    ResponseEntity<List<Licence>> listLicences(AdminContext ctx, @PathVariable UUID id,
                                               @ParameterObject @Valid PageParams page) {
        return licences.page(ctx.tenantId(), id, page).ok();
    }

    @PostMapping("/licence-products/{id}/licences")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(description = "Adds a licence (a purchase of seats): `validFrom` (default: now) to `validUntil` (left "
            + "out: perpetual), not overlapping another licence of the product (409 CONFLICT naming it); `enforcement` "
            + "HARD (refuse beyond the seats) or SOFT (allow `overuseMargin` more, recorded as overuse); `graceDays` "
            + "after its end during which it still counts unless another licence is valid.")
    @ApiResponse(responseCode = "201", description = "Created", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<Licence> createLicence(AdminContext ctx, @PathVariable UUID id,
                                          @Parameter(description = FORCE) @RequestParam(defaultValue = "false") boolean force,
                                          @Valid @RequestBody CreateLicence b) {
        return licences.create(ctx, id, new Licences.NewLicence(b.seats(), b.validFrom(), b.validUntil(),
                b.enforcement(), b.overuseMargin(), b.graceDays(), b.reference()), force).created();
    }

    @GetMapping("/licence-products/{id}/licences/{licenceId}")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<Licence> getLicence(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID licenceId) {
        return licences.get(ctx.tenantId(), id, licenceId).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/licence-products/{id}/licences/{licenceId}")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<Licence> updateLicence(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID licenceId,
                                          @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                          @Parameter(description = FORCE) @RequestParam(defaultValue = "false") boolean force,
                                          @Valid @RequestBody UpdateLicence b) {
        return licences.update(ctx, id, licenceId, new IfMatch(ifMatch), new Licences.LicenceChange(b.seats(),
                b.validFrom(), b.validUntil(), b.perpetual(), b.enforcement(), b.overuseMargin(), b.graceDays(),
                b.reference()), force).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396): null makes the licence perpetual (validUntil) or empties the reference. */
    @PatchMapping(path = "/licence-products/{id}/licences/{licenceId}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<Licence> mergePatchLicence(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID licenceId,
                                              @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                              @RequestParam(defaultValue = "false") boolean force,
                                              @RequestBody JsonNode patch) {
        if (patch instanceof ObjectNode object && object.has("validUntil") && object.get("validUntil").isNull()) {
            // a removed end is "no end": the partial change says it as perpetual
            ObjectNode change = object.deepCopy();
            change.remove("validUntil");
            change.put("perpetual", true);
            patch = change;
        }
        return updateLicence(ctx, id, licenceId, ifMatch, force, mergePatch.read(patch, UpdateLicence.class,
                Map.of("reference", "")));
    }

    @DeleteMapping("/licence-products/{id}/licences/{licenceId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteLicence(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID licenceId,
                       @Parameter(description = FORCE) @RequestParam(defaultValue = "false") boolean force) {
        licences.delete(ctx, id, licenceId, force);
    }

    /** The product's seats, a page at a time; sort: {@code takenAt} (default), {@code lastUsedAt}, {@code holder}. */
    @GetMapping("/licence-products/{id}/seats")
    @Operation(description = "The seats held now (by default), or with `released=true` the holdings that ended (the "
            + "seat history): the holder (a user's, device's or desktop's id), the user and their name, when it was "
            + "taken and last used, the live sessions using it, and when and why it was given back. Sort: `takenAt` "
            + "(default), `lastUsedAt`, `holder`.")
    ResponseEntity<List<LicenceSeatHolding>> listSeats(AdminContext ctx, @PathVariable UUID id,
                                                       @ParameterObject @Valid SeatQuery query,
                                                       @ParameterObject @Valid PageParams page) {
        return seats.page(ctx.tenantId(), id, new LicenceSeatAdmin.SeatFilter(Boolean.TRUE.equals(query.released()),
                query.userId(), query.q()), page).ok();
    }

    @DeleteMapping("/licence-products/{id}/seats/{seatId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(description = "Frees a held seat (a named user who left, a retired device): it is released as `ADMIN` "
            + "and free for another holder at once. Refused (409 IN_USE, with `sessions`) while live sessions use it, "
            + "unless `force=true` (the sessions go on without it); refused (409 INVALID_STATE) for a seat given back "
            + "already, and for a desktop's seat while its desktop is in a pool that consumes the product.")
    void freeSeat(AdminContext ctx, @PathVariable UUID id, @PathVariable long seatId,
                  @RequestParam(defaultValue = "false") boolean force) {
        seats.free(ctx, id, seatId, force);
    }

    /** The pools that consume the product, a page at a time; sort: {@code name} (default), {@code createdAt}. */
    @GetMapping("/licence-products/{id}/pools")
    @Operation(description = "The pools whose connects take a seat of the product (the other side of "
            + "`/pools/{poolId}/licence-products`): each pool's id, name, kind, whether it is enabled and, for a "
            + "PER_DESKTOP product, the seats its desktops hold now (`desktopSeats`; null for the other models, whose "
            + "seats are the users' or devices'). Filters: `q` (words in the name or description), `kind`. Sort: "
            + "`name` (default), `createdAt`.")
    ResponseEntity<List<ConsumingPool>> listConsumers(AdminContext ctx, @PathVariable UUID id,
                                                      @ParameterObject @Valid ConsumerQuery query,
                                                      @ParameterObject @Valid PageParams page) {
        return poolLicences.consumers(ctx.tenantId(), id, new PoolLicences.ConsumerFilter(query.q(), query.kind()), page)
                .ok();
    }

    /** The licence products the pool consumes, a page at a time (as the product list). */
    @GetMapping("/pools/{poolId}/licence-products")
    ResponseEntity<List<LicenceProduct>> poolProducts(AdminContext ctx, @PathVariable UUID poolId,
                                                      @ParameterObject @Valid PageParams page) {
        return poolLicences.page(ctx.tenantId(), poolId, page).ok();
    }

    @PutMapping("/pools/{poolId}/licence-products/{productId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(description = "The pool's connects take a seat of the product from now on (its live sessions keep "
            + "what they took); nothing changes when it does already. A PER_DESKTOP product takes a seat for each of "
            + "the pool's desktops at once, all or none, and cannot be added to a SHARED pool (400 VALIDATION_FAILED: "
            + "it has no desktops of its own).")
    @ApiResponse(responseCode = "503", description = "Not enough seats; nothing was changed. `LICENCE_EXHAUSTED`: "
            + "a PER_DESKTOP product's free seats do not cover the pool's desktops (`product`, `model`, `seats`, "
            + "`seatsInUse`, `enforcement`, `needed`, …); `SERVICE_UNAVAILABLE`: the database cannot be reached or "
            + "keeps failing.", content = @Content(mediaType = "application/problem+json",
            schema = @Schema(ref = "#/components/schemas/Problem")))
    void addPoolProduct(AdminContext ctx, @PathVariable UUID poolId, @PathVariable UUID productId) {
        poolLicences.add(ctx, poolId, productId);
    }

    @DeleteMapping("/pools/{poolId}/licence-products/{productId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(description = "The pool's connects stop taking seats of the product (live sessions keep theirs until "
            + "they end); a PER_DESKTOP product's seats of the pool's desktops are given back. Nothing changes when "
            + "the pool does not consume it.")
    void removePoolProduct(AdminContext ctx, @PathVariable UUID poolId, @PathVariable UUID productId) {
        poolLicences.remove(ctx, poolId, productId);
    }
}
