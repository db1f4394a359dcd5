"""The kiosk's domain core: pure Python, no devices, no network.

Everything other packages agree on lives here: canonical encoding, keys, the election
package, ballot tokens and the token roll, poll-worker cards, vote rules.
"""

__version__ = "0.1.0"
