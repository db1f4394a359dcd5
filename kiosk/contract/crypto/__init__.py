"""The verifiable count's protocol core: a prime-order group, exponential ElGamal, and proofs.

- :mod:`.group`: ristretto255 through libsodium (via ``pysodium``), canonical 32-byte encodings,
  scalars as integers modulo the group order, the Fiat-Shamir hash.
- :mod:`.elgamal`: exponential ElGamal ``(g^r, g^m y^r)``, homomorphic addition, small discrete logs.
- :mod:`.proofs`: Schnorr proof of knowledge, Chaum-Pedersen equality of discrete logs, and the
  disjunctive "encrypts one of M_0..M_k" proof (Belenios ``iprove``) used for 0/1, 0..max and sums.
- :mod:`.contest`: one contest of a ballot: a ciphertext per shown option, a proof per option and
  a proof that the sum lies in the rule's [min, max].
- :mod:`.encrypted_ballot`: a whole ballot of an election's style; its canonical bytes and fixed length;
  the Benaloh check from the nonce seed; aggregates by (contest, option).
- :mod:`.tally`: aggregates for the trustees (contests at or above the privacy floor only) and the
  :class:`kiosk.contract.tally_rules.Count` from what they decrypt.
- :mod:`.records`: the trustee secret, election key and aggregates files.
- :mod:`.threshold`: the dealer-free key ceremony (Pedersen DKG with Feldman commitments, as in
  ElectionGuard and Belenios), partial decryptions with proofs, and their k-of-n combination.

The construction follows the Belenios specification (v1.5, sections "Trustee keys",
"Proofs of interval membership", "Polynomials") with two changes: the group is ristretto255 and
every challenge is SHA-512 over a domain tag and length-prefixed canonical encodings of the whole
statement (generator, public key, ciphertext, commitments) plus a caller context, reduced modulo
the group order (strong Fiat-Shamir: Bernhard, Pereira, Warinschi, "How not to prove yourself",
ASIACRYPT 2012). ``docs/crypto.md`` states it byte for byte.
"""
