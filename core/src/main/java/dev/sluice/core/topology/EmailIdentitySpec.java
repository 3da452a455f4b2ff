package dev.sluice.core.topology;

/** An SES identity mail is sent from; {@code identity} may be a {@code ${profile:name}}, as it differs per stage. */
public record EmailIdentitySpec(String name, String identity) {
}
