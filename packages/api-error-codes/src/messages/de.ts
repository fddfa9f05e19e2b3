/**
 * German: the registry's thirteen messages, the library's own fixed messages and a text per
 * validation rule. Shipped as the example of a second language; an app spreads it and adds its own.
 */
import type { Messages } from "./messages.js";

/**
 * German messages for `languages: { de }`.
 * @example
 * apiErrorCodes(app, { languages: { de: { ...de, texts: { ...de.texts, "No such book": "Kein solches Buch" } } } });
 */
export const de = {
  codes: {
    0: "Unbekannter Fehler auf dem Server",
    1: "Methode nicht erlaubt",
    2: "Operation ist nicht umgesetzt",
    3: "Die Struktur der Anfrage ist ungültig",
    4: "Die Anfrage enthält einen ungültigen Wert",
    5: "Die Anfrage enthält einen Wert vom falschen Typ",
    6: "Anmeldung erforderlich",
    7: "Die Anmeldedaten sind ungültig",
    8: "Die Anmeldedaten sind abgelaufen",
    9: "Zugriff auf diese Operation ist verboten",
    10: "Ressource nicht gefunden",
    11: "Ein externer Dienst ist fehlgeschlagen",
    12: "Die Datenbank ist nicht erreichbar",
  },
  texts: {
    "Request is invalid": "Die Anfrage ist ungültig",
    "Request body is empty": "Der Body der Anfrage ist leer",
    "Request body is not valid UTF-8": "Der Body der Anfrage ist kein gültiges UTF-8",
    "Request body is not valid JSON": "Der Body der Anfrage ist kein gültiges JSON",
    "Request body could not be read": "Der Body der Anfrage konnte nicht gelesen werden",
    "Request body is required": "Die Anfrage braucht einen Body",
    "The Bearer credentials carry no token": "Die Bearer-Anmeldedaten enthalten kein Token",
    "The access token is malformed": "Das Zugriffstoken ist fehlerhaft",
    "Only Bearer authentication is supported": "Nur Bearer-Anmeldung wird unterstützt",
    "Path is not valid percent-encoded UTF-8": "Der Pfad ist kein gültig prozentkodiertes UTF-8",
    "Content-Length is sent twice": "Content-Length wurde zweimal gesendet",
    "External service timed out": "Ein externer Dienst hat nicht rechtzeitig geantwortet",
    "External service is unavailable": "Ein externer Dienst ist nicht erreichbar",
    "External service returned an invalid response": "Ein externer Dienst hat ungültig geantwortet",
    "External service is temporarily unavailable": "Ein externer Dienst ist vorübergehend nicht erreichbar",
    "Database transaction conflict, try again": "Konflikt einer Datenbanktransaktion, bitte erneut versuchen",
    "Database error": "Datenbankfehler",
  },
  rules: {
    required: "ist erforderlich",
    type: "muss vom Typ {expected} sein",
    enum: "muss einer der erlaubten Werte sein: {expected}",
    const: "muss {expected} sein",
    minimum: "muss >= {expected} sein",
    maximum: "muss <= {expected} sein",
    exclusiveMinimum: "muss > {expected} sein",
    exclusiveMaximum: "muss < {expected} sein",
    multipleOf: "muss ein Vielfaches von {expected} sein",
    minLength: "muss mindestens {expected} Zeichen lang sein",
    maxLength: "darf höchstens {expected} Zeichen lang sein",
    pattern: "hat nicht das verlangte Muster",
    format: "muss das Format {expected} haben",
    minItems: "muss mindestens {expected} Einträge haben",
    maxItems: "darf höchstens {expected} Einträge haben",
    uniqueItems: "darf keine doppelten Einträge haben",
    minProperties: "muss mindestens {expected} Eigenschaften haben",
    maxProperties: "darf höchstens {expected} Eigenschaften haben",
    additionalProperties: "ist keine erlaubte Eigenschaft",
    duplicate: "ist doppelt vorhanden",
    parse: "konnte nicht gelesen werden",
    media_type: "ist kein unterstützter Medientyp",
    size: "ist zu groß",
    timeout: "kam nicht rechtzeitig an",
    unique: "ist bereits vergeben",
    reference: "verweist auf etwas, das nicht existiert",
    "*": "ist ungültig",
  },
  places: { body: "Body", query: "Query", path: "Pfad", header: "Header" },
  summary: {
    one: "Ungültige Anfrage: {where}: {message}",
    more: "Ungültige Anfrage: {where}: {message} (und {count} weitere)",
  },
} as const satisfies Messages;
