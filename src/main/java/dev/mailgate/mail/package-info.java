/**
 * The vocabulary every stage shares, as plain values: who sends ({@code Identity}), which door a message
 * came through ({@code Door}), its envelope and header section, the submission a door hands in and the
 * {@code Refusal} both doors answer with. The bottom of the layout: this package imports no other mailgate
 * package, and every other package may import it.
 */
package dev.mailgate.mail;
