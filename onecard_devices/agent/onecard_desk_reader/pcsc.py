"""PC/SC through pyscard: the readers, their state changes, a card's UID."""

try:
    from smartcard import scard
except ImportError:  # reported by cli.main(), so that --help works without pyscard
    scard = None

from . import GET_UID_APDU, log


class PcscUnavailable(Exception):
    """The PC/SC service (pcscd / Windows SCardSvr) is gone or not running."""


class CardReadError(Exception):
    """A card is there but did not give a usable UID."""


def _error_text(hresult):
    try:
        return (
            f"{scard.SCardGetErrorMessage(hresult).strip()} "
            f"(0x{hresult & 0xFFFFFFFF:08X})"
        )
    except Exception:  # pragma: no cover - exotic hresult
        return "0x%08X" % (hresult & 0xFFFFFFFF)


def _hex(data):
    return " ".join(f"{b:02X}" for b in data)


class Pcsc:
    """A PC/SC context that re-establishes itself when the service restarts."""

    def __init__(self, reader_filter=None):
        self.reader_filter = (reader_filter or "").lower()
        self.context = None

    def ensure(self):
        if self.context is None:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                raise PcscUnavailable(_error_text(hresult))
            self.context = context
        return self.context

    def release(self):
        if self.context is not None:
            try:
                scard.SCardReleaseContext(self.context)
            except Exception:  # the service is gone: nothing to release
                log.debug("SCardReleaseContext failed", exc_info=True)
            self.context = None

    def readers(self):
        hresult, readers = scard.SCardListReaders(self.ensure(), [])
        if hresult in (
            scard.SCARD_E_NO_READERS_AVAILABLE,
            getattr(scard, "SCARD_E_READER_UNAVAILABLE", None),
        ):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscUnavailable(_error_text(hresult))
        return [r for r in readers if self.reader_filter in r.lower()]

    def wait_change(self, states, timeout_ms):
        """SCardGetStatusChange over ``states`` {reader: current state}; returns
        {reader: (event state, atr)}."""
        hresult, new_states = scard.SCardGetStatusChange(
            self.ensure(),
            timeout_ms,
            [(reader, state) for reader, state in states.items()],
        )
        if hresult == scard.SCARD_E_TIMEOUT:
            return {}
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscUnavailable(_error_text(hresult))
        return {reader: (event, atr) for reader, event, atr in new_states}

    def read_uid(self, reader):
        """Connect to the card on ``reader``, send FF CA 00 00 00, return the UID in
        upper-case hex."""
        hresult, card, protocol = scard.SCardConnect(
            self.ensure(),
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            if hresult in (
                scard.SCARD_E_NO_SERVICE,
                scard.SCARD_E_SERVICE_STOPPED,
                scard.SCARD_E_INVALID_HANDLE,
            ):
                raise PcscUnavailable(_error_text(hresult))
            raise CardReadError(f"cannot connect to the card: {_error_text(hresult)}")
        try:
            response = self._transmit(card, protocol, GET_UID_APDU)
            sw1, sw2 = response[-2:]
            if sw1 == 0x6C:  # wrong Le: the card tells the right one, ask again
                response = self._transmit(card, protocol, GET_UID_APDU[:4] + [sw2])
                sw1, sw2 = response[-2:]
            data = response[:-2]
            if (sw1, sw2) != (0x90, 0x00):
                raise CardReadError(
                    f"the card answered SW {sw1:02X} {sw2:02X} to GET UID (FF CA "
                    f"00 00 00): "
                    "not a contactless card, or the reader does not support it"
                )
            if not 4 <= len(data) <= 10:
                raise CardReadError(
                    "the card answered a %d-byte UID (%s); 4 to 10 bytes expected"
                    % (len(data), _hex(data))
                )
            return bytes(data).hex().upper()
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)

    @staticmethod
    def _transmit(card, protocol, apdu):
        hresult, response = scard.SCardTransmit(card, protocol, apdu)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardReadError(f"APDU {_hex(apdu)} failed: {_error_text(hresult)}")
        if len(response) < 2:
            raise CardReadError(
                f"APDU {_hex(apdu)}: answer too short ({_hex(response)})"
            )
        return response
