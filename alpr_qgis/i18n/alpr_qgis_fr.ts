<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AlprAlgorithm</name>
    <message>
        <location filename="../algorithms/base.py" line="198"/>
        <source>Cancelled: nothing more was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/outside_stream.py" line="154"/>
        <source>the input layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/plumbing.py" line="68"/>
        <source>Internal error: {} {} unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AnonymizePlatesAlgorithm</name>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="70"/>
        <source>Anonymize plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="132"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="132"/>
        <source>Reads to publish, e.g. the clean output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="135"/>
        <source>The text field holding the plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="138"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="140"/>
        <source>hmac: keyed hash (linkable with the same key); token: random per run; drop: no id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="141"/>
        <source>Secret key (prefer a key file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="141"/>
        <source>Stored in clear text in QGIS&apos;s history: use KEY_FILE for real releases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="145"/>
        <source>Key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="145"/>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="157"/>
        <source>The date-time field to coarsen and audit (default: read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="162"/>
        <source>Time precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="166"/>
        <source>Floor read times to the minute, hour or day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="167"/>
        <source>Location precision (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="167"/>
        <source>Snap reads to the centre of a grid of this size in metres; 0 keeps them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="177"/>
        <source>Other fields holding plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="193"/>
        <source>Anonymized reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="194"/>
        <source>Re-identification audit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="195"/>
        <source>Reads written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="195"/>
        <source>Distinct plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="195"/>
        <source>Share of vehicles unique after {} sightings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="231"/>
        <source>No key given: a random one-time key was used and discarded; these ids cannot be linked to any other release.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="359"/>
        <source>No time field {}: times were not coarsened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="370"/>
        <source>Locations snapped to a {} m grid in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="343"/>
        <source>Audit: {} known sightings single out {} of {} vehicles ({:.1%}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="311"/>
        <source>{} reads of {} plates anonymized with {} ({} characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="75"/>
        <source>&lt;p&gt;Makes a layer of reads fit to publish. The release is built by &lt;b&gt;allow-list&lt;/b&gt;: it keeps the geometry (snapped when LOCATION_PRECISION_M is set), &lt;i&gt;plate_id&lt;/i&gt; in place of the plate, the read time (coarsened), &lt;i&gt;device&lt;/i&gt;, &lt;i&gt;state&lt;/i&gt;, &lt;i&gt;is_government&lt;/i&gt; and &lt;i&gt;is_duplicate&lt;/i&gt; when present, and the fields named in KEEP_FIELDS. Every other field (agency record ids, read_id, location text, addresses, image names, notes) is dropped; the log and the AUDIT name them, never their values.&lt;/p&gt;&lt;p&gt;Rows are written sorted by the coarsened time, then plate_id, ties in random order: never in the source's order, which would give back each patrol's exact sequence.&lt;/p&gt;&lt;p&gt;Kept fields are &lt;b&gt;scrubbed&lt;/b&gt;, whatever their type: a value equal to any plate of the input, or holding one of 4 characters or more (compared upper case without spaces, dashes and dots, numbers by their digits), is cleared; so is text giving a place finer than LOCATION_PRECISION_M (a coordinate pair such as (37.77256, -122.24566)), and a number in a field named like a coordinate. Counts of cleared values per field go to the log and the AUDIT.&lt;/p&gt;&lt;p&gt;&lt;b&gt;METHOD&lt;/b&gt;: &lt;i&gt;hmac&lt;/i&gt; (default) — keyed HMAC-SHA256 of the normalised plate, 64 hexadecimal characters: the same plate gets the same id within a run and across runs with the same key, so releases can be linked; &lt;i&gt;token&lt;/i&gt; — a random 22-character URL-safe token per plate, the same within this run only; &lt;i&gt;drop&lt;/i&gt; — no id at all.&lt;/p&gt;&lt;p&gt;&lt;b&gt;The key.&lt;/b&gt; &lt;b&gt;KEY_AUTHCFG&lt;/b&gt; (best): a QGIS authentication configuration (Basic) whose password is the secret — it stays in QGIS's encrypted authentication database and never appears in the processing history, a model file or a command line. &lt;b&gt;KEY_FILE&lt;/b&gt;: a file holding the secret (a trailing line break is ignored); keep it private (chmod 600): a file others can read earns a warning. &lt;b&gt;KEY&lt;/b&gt;: typed here, it is stored in clear text in QGIS's history and in models. A secret shorter than 16 bytes is refused. With none, a random key is used once and never stored: ids then cannot be linked to any other release. Never publish an unkeyed hash of plates (plain SHA-256 or MD5): there are so few possible plates that anyone can hash them all and reverse it. The key is never written anywhere by this plugin.&lt;/p&gt;&lt;p&gt;&lt;b&gt;TIME_PRECISION&lt;/b&gt; (keep, minute, hour, day) floors read times (and any kept date-time field); &lt;b&gt;LOCATION_PRECISION_M&lt;/b&gt; (metres, 0 = keep) moves every read to the centre of its grid cell of that size (measured in the local UTM zone for layers in degrees).&lt;/p&gt;&lt;p&gt;&lt;b&gt;EXTRA_PLATE_FIELDS&lt;/b&gt;: other fields holding plates: never kept, and their values count as plates when scrubbing. &lt;b&gt;KEEP_FIELDS&lt;/b&gt;: fields to release beyond the allow-list (never the plate field).&lt;/p&gt;&lt;p&gt;&lt;b&gt;AUDIT&lt;/b&gt; (optional), computed on the release as written: one row per finding, &lt;i&gt;kind&lt;/i&gt; = &lt;i&gt;unicity&lt;/i&gt;, &lt;i&gt;dropped_field&lt;/i&gt; or &lt;i&gt;cleared_values&lt;/i&gt;. Unicity: each vehicle's trail is the set of its (place, time) points as released; for k = 1, 2, 3 and 4 known sightings, k points of each vehicle's trail are drawn at random (fixed seed) and the vehicle counts as &lt;i&gt;unique&lt;/i&gt; when no other vehicle's trail holds all k: the share of cars an adversary who saw a car k times could single out and follow through the release. Coarser time and place lower it; publish when it is low enough for your purpose.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Large layers.&lt;/b&gt; The reads are read a chunk at a time and kept as compact columns (a plate code, the place, the time, a code for each kept text), and the release is written a block at a time in its order. Measured here (2 cores): about 11 s per million reads; about 500 MB of memory for half a million reads and 1 GB for two million, QGIS included (a kept text field with a different value on nearly every read costs more). A run on more than a million reads logs an estimate first.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:anonymizeplates -- INPUT=clean.gpkg KEY_FILE=/secure/alpr.key TIME_PRECISION=hour LOCATION_PRECISION_M=200 OUTPUT=public.gpkg AUDIT=audit.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="145"/>
        <source>A file holding the secret key for the keyed hash (at least {} bytes; keep it private).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="153"/>
        <source>Key from QGIS authentication</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="153"/>
        <source>A Basic authentication configuration whose password is the secret: never in history or models.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="177"/>
        <source>Never released; their values count as plates when kept fields are scrubbed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="184"/>
        <source>Other fields to release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="184"/>
        <source>Beyond the allow-list ({}); never the plate field. Scrubbed like the rest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="195"/>
        <source>Kept values cleared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="195"/>
        <source>Fields not released</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="217"/>
        <source>KEY is stored in clear text in QGIS&apos;s processing history and in models; use KEY_AUTHCFG or KEY_FILE for real releases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="224"/>
        <source>The key file can be read by other users of this computer (its group or everyone): make it private (chmod 600) or keep the key in QGIS&apos;s authentication database (KEY_AUTHCFG).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="275"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="287"/>
        <source>Auditing the release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="298"/>
        <source>Writing the release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="351"/>
        <source>Not released (dropped by the allow-list): {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="353"/>
        <source>Kept on request (KEEP_FIELDS): {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="355"/>
        <source>Field {}: {} values gave a plate or a precise place away: cleared.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CleanReadsAlgorithm</name>
    <message>
        <location filename="../algorithms/clean_reads.py" line="72"/>
        <source>Remove misreads and null-island points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="73"/>
        <source>alpr,anpr,lpr,plate,misread,clean,sign,null island,duplicate,government</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="132"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="132"/>
        <source>ALPR reads, e.g. the output of alpr:loadreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="133"/>
        <source>The text field holding the plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="136"/>
        <source>Maximum plate length (characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="136"/>
        <source>Longer plates (spaces and dashes not counted) are overlength misreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="146"/>
        <source>Extra sign words (comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="146"/>
        <source>More sign or business text to treat as misreads, e.g. PIZZA, OPEN HOUSE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="152"/>
        <source>Null-island tolerance (degrees)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="152"/>
        <source>Reads within this many degrees of 0,0 are null-island points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="163"/>
        <source>Government plate pattern (regex)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="163"/>
        <source>A regular expression matching whole normalised plates of government vehicles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="170"/>
        <source>Exclude government plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="170"/>
        <source>Reject reads of government plates (reason government) instead of flagging them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="174"/>
        <source>Duplicate window (seconds, 0 = off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="174"/>
        <source>Flag re-reads of the same plate by the same device within this many seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="184"/>
        <source>Field naming the camera or car, for duplicate flagging (default: device).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="187"/>
        <source>Date-time field of the read, for duplicate flagging (default: read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="194"/>
        <source>Clean reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="194"/>
        <source>Rejected reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="194"/>
        <source>Reads rejected as {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="194"/>
        <source>Clean reads flagged duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="194"/>
        <source>Reads of government plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="202"/>
        <source>Plates arrived hashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="256"/>
        <source>The plates arrived hashed: plate-text rules are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="245"/>
        <source>Duplicate flagging needs the fields {} and {}; it was skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="289"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="290"/>
        <source>{} reads: {} clean, {} rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="293"/>
        <source>  {}: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="76"/>
        <source>&lt;p&gt;Separates trustworthy reads from misreads and unusable locations. Every read lands in exactly one output: &lt;b&gt;OUTPUT&lt;/b&gt; (clean reads) or &lt;b&gt;REJECTED&lt;/b&gt; (with the reason); CLEAN_COUNT + REJECTED_COUNT = the input's features.&lt;/p&gt;&lt;p&gt;Plates are first normalised: upper case, spaces, dashes and dots removed (&quot;6trm-913&quot; is tested as 6TRM913, &quot;ONE WAY&quot; as ONEWAY). The rules, in the order that picks the primary &lt;i&gt;reason&lt;/i&gt; (all failing rules are listed in &lt;i&gt;reasons&lt;/i&gt;):&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;empty_plate&lt;/b&gt;: no plate text.&lt;/li&gt;&lt;li&gt;&lt;b&gt;invalid_chars&lt;/b&gt;: characters other than letters and digits.&lt;/li&gt;&lt;li&gt;&lt;b&gt;sign_word&lt;/b&gt;: road, traffic or parking sign text read as a plate: about 220 legends of US signs (STOP, YIELD, ONE WAY, DO NOT ENTER, NO PARKING, TOW AWAY ZONE, SCHOOL BUS, ROAD CLOSED, NO TURN ON RED, RIGHT LANE MUST TURN RIGHT, PED XING, EXIT…; multi-word legends as one string), recognised through OCR confusions: digits or pairs read for letters anywhere (0/O, 1/I/L, 5/S, 8/B, 2/Z, 6/G, 4/A, 7/T, CJ/O, M/N…: CAUT10N, SCH00L) and one more error. In words of five letters or more that error may be a look-alike letter (PARKIMG), two letters swapped (YEILD), a letter doubled, a character added at either end, the first or last letter dropped (ROSSWALK) or the text cut at a reader's length limit; in words of six letters or more, on text without digits, also any letter dropped, added or replaced anywhere (CAUTON, PARKNIG, DETOUT). Words of four letters or fewer must match whole, nothing shorter than five characters matches loosely, and text with more than two digits is never a sign: no sequential plate of a US format is taken for a sign (none of 105,000 random ones in 14 formats, in the tests) and plates that merely contain a word (CAT123, STOP4ME, BIKE4ME) stay clean. &lt;i&gt;detail&lt;/i&gt; names the word. Add words with EXTRA_SIGN_WORDS (comma-separated); they get the same variants.&lt;/li&gt;&lt;li&gt;&lt;b&gt;overlength&lt;/b&gt;: longer than MAX_PLATE_LENGTH characters (7 by default).&lt;/li&gt;&lt;li&gt;&lt;b&gt;government&lt;/b&gt;: matches GOVERNMENT_PATTERN (a regular expression, seven digits by default: California's exempt plates) — only when EXCLUDE_GOVERNMENT is checked. Otherwise such reads stay clean with &lt;i&gt;is_government&lt;/i&gt; = true.&lt;/li&gt;&lt;li&gt;&lt;b&gt;invalid_location&lt;/b&gt;: latitude beyond ±90 or longitude beyond ±180 (layers in a projected CRS are converted to degrees first).&lt;/li&gt;&lt;li&gt;&lt;b&gt;null_geometry&lt;/b&gt;: the read has no location.&lt;/li&gt;&lt;li&gt;&lt;b&gt;null_island&lt;/b&gt;: within NULL_ISLAND_TOLERANCE degrees of 0,0, where reads without coordinates end up.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Plates that arrived hashed (hex or base64 text of one length, 16 or more) skip the plate-text rules; PLATES_HASHED and the log say so.&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEDUP_SECONDS&lt;/b&gt; (0 = off): a read of the same plate by the same device within that many seconds of its previous read is flagged &lt;i&gt;is_duplicate&lt;/i&gt; (a parked patrol car re-reading its neighbour inflates every count) — flagged, not removed.&lt;/p&gt;&lt;p&gt;Outputs: clean reads with every input field plus is_government and is_duplicate; rejected reads with every input field plus reason, reasons and detail; counts CLEAN_COUNT, REJECTED_COUNT, DUPLICATE_COUNT, GOVERNMENT_READ_COUNT and one per reason (EMPTY_PLATE_COUNT, INVALID_CHARS_COUNT, SIGN_WORD_COUNT, OVERLENGTH_COUNT, GOVERNMENT_COUNT, INVALID_LOCATION_COUNT, NULL_GEOMETRY_COUNT, NULL_ISLAND_COUNT).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Large layers.&lt;/b&gt; The reads are read, tested and written a chunk at a time; for the whole layer only a few bytes per read are kept (with DEDUP_SECONDS: a plate code, a device code and a time), so memory grows far slower than the number of reads. Measured here (2 cores): about 12 s per million reads; about 520 MB of memory for half a million reads and 1 GB for two million, QGIS included. A run on more than a million reads logs an estimate first.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:cleanreads -- INPUT=reads.gpkg OUTPUT=clean.gpkg REJECTED=misreads.gpkg DEDUP_SECONDS=60&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="251"/>
        <source>Looking over the plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="257"/>
        <source>Applying the rules and writing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CountModelAlgorithm</name>
    <message>
        <location filename="../algorithms/count_model.py" line="43"/>
        <source>Model read counts by area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="98"/>
        <source>Units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="98"/>
        <source>Areas with a read count, e.g. the OUTPUT of alpr:joincensus or alpr:joincrime.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="104"/>
        <source>Count field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="104"/>
        <source>Reads per unit (whole numbers of 0 or more; default: read_count).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="110"/>
        <source>Exposure field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="110"/>
        <source>Residents (or area) per unit (default: population): log(exposure) is the offset. Units with 0 or less are left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="119"/>
        <source>Predictors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="119"/>
        <source>Numeric fields, e.g. per_capita_income, a group&apos;s share, crime_count. None: the rate alone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="126"/>
        <source>Group counts as shares of the exposure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="126"/>
        <source>Counts of residents by group (e.g. pop_black): each enters the model as &lt;field&gt;_pct, its percentage of the exposure (population).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="137"/>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="141"/>
        <source>negative_binomial (NB2, for counts that vary more than their mean) or poisson.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="144"/>
        <source>Count model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="145"/>
        <source>Units with fitted reads and residuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="152"/>
        <source>Units in the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="152"/>
        <source>Units left out (null value or exposure of 0 or less)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="152"/>
        <source>Dispersion alpha (negative binomial)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="199"/>
        <source>Moran&apos;s I of the residuals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="152"/>
        <source>Moran&apos;s I permutation p-value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="176"/>
        <source>Reading the units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="192"/>
        <source>Fitting the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="205"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="228"/>
        <source>alpr:countmodel needs the Python package statsmodels, which this QGIS cannot import. On Debian or Ubuntu: sudo apt install python3-statsmodels. Elsewhere: pip install statsmodels in the Python that QGIS runs (on Windows, in the OSGeo4W Shell). Then restart QGIS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="238"/>
        <source>{}: {} units in the model, {} left out ({}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="238"/>
        <source>{} null or ≤ 0: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="238"/>
        <source>{} null: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="238"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="252"/>
        <source>{}: rate ratio {:.6g} (95 % {:.6g} to {:.6g}), p = {:.3g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="257"/>
        <source>Family {}: log-likelihood {:.6g}, AIC {:.6g}, Pearson chi²/df {:.3g}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="263"/>
        <source>Dispersion alpha (NB2): {:.6g}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="265"/>
        <source>The counts vary {:.3g} times more than a Poisson model allows (Pearson chi²/df): its p-values are too small. Use FAMILY=negative_binomial.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="273"/>
        <source>Moran&apos;s I: too few neighbouring units to compute it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="275"/>
        <source>Moran&apos;s I of the residuals: {:.4f} (expected {:.4f}), permutation p = {:.3g}, {} units.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="281"/>
        <source>The residuals are spatially autocorrelated (Moran&apos;s I {:.3f}, p = {:.3g}): neighbouring units are alike beyond the predictors, so the model&apos;s p-values are too small.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/count_model.py" line="288"/>
        <source>{} unit(s) without a neighbour left out of Moran&apos;s I.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeviceTracksAlgorithm</name>
    <message>
        <location filename="../algorithms/device_tracks.py" line="66"/>
        <source>Draw device tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="67"/>
        <source>alpr,anpr,lpr,device,camera,patrol,car,track,route,trajectory,line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="123"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="126"/>
        <source>Point layer of reads with a device and a time field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="128"/>
        <source>Device field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="131"/>
        <source>Field naming the camera or patrol car (default device).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="133"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="136"/>
        <source>Field holding each read&apos;s date and time (default read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="138"/>
        <source>Maximum gap (minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="141"/>
        <source>A longer pause between two reads of a device starts a new track.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="143"/>
        <source>Maximum speed (km/h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="146"/>
        <source>A faster jump between two consecutive reads starts a new track.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="149"/>
        <source>Leave out lone glitches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="150"/>
        <source>Leave out a single read that jumps away and straight back (GPS error) instead of splitting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="165"/>
        <source>Device tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>One-read tracks (not drawn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Glitches left out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="289"/>
        <source>MAX_GAP_MINUTES must be more than 0 (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="291"/>
        <source>MAX_SPEED_KMH must be more than 0 (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="326"/>
        <source>INPUT has no field &quot;{}&quot;. Its fields are: {}. Choose the right {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="332"/>
        <source>DEVICE_FIELD and TIME_FIELD are the same field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="206"/>
        <source>INPUT has no reads: the layer is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="339"/>
        <source>INPUT has no CRS: set the layer&apos;s CRS so distances can be measured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="423"/>
        <source>Distances and speeds measured in {} ({}); the tracks stay in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="216"/>
        <source>None of the {} reads has a location, a time (field &quot;{}&quot;) and a device (field &quot;{}&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="399"/>
        <source>{} tracks from {} devices, {:.1f} km in all; {} reads on lines.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="404"/>
        <source>Tracks starting after a gap: {}, after a jump too fast: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="406"/>
        <source>{} lone reads that jump away and straight back left out as glitches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="410"/>
        <source>{} reads form a track of their own (not drawn: a line needs two reads).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="414"/>
        <source>{} reads skipped: {} without geometry, {} without time, {} without device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="432"/>
        <source>{} reads could not be projected to measure distances (skipped, counted as without geometry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="70"/>
        <source>&lt;p&gt;Joins each camera's reads, in time order, into lines: one line per device per continuous patrol, showing where each camera car drove and when.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Reads&lt;/b&gt; (INPUT): a point layer, e.g. the output of Load ALPR reads. The input order does not matter: reads are sorted by time within each device (reads with the same time keep their input order).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device field&lt;/b&gt; (DEVICE_FIELD, default device) and &lt;b&gt;Time field&lt;/b&gt; (TIME_FIELD, default read_time): the camera or car, and the date-time of each read (a date-time field, or text such as 2014-07-20 08:01:02).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Maximum gap (minutes)&lt;/b&gt; (MAX_GAP_MINUTES, default 30): a pause longer than this between two reads of a device starts a new track (end of a shift, a trip out of town with the camera off).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Maximum speed (km/h)&lt;/b&gt; (MAX_SPEED_KMH, default 150): a jump between two consecutive reads faster than this (straight-line distance over time) also starts a new track — a GPS glitch or a camera moved to another car. Timestamps are whole seconds, so reads less than a second apart count as one second apart.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Leave out lone glitches&lt;/b&gt; (DROP_GLITCHES, default true): a single read reached by a jump too fast and left by another, between two reads the car could have driven between — a GPS error, a point at 0,0 — is left out (GLITCH_COUNT) and the track goes on. When false, it breaks the track in three like any jump.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Tracks&lt;/b&gt; (OUTPUT, in the input's CRS): track_id, device, start_time, end_time, read_count, length_m (the sum of the straight steps between consecutive reads, in metres, measured in the local UTM zone — or in the layer's CRS when it is projected in metres), duration_min, start_reason (device_start, gap or speed: why the track begins), first_read_id and last_read_id (null when the reads have no read_id). The line's vertices are the reads, in time order.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Fixed cameras&lt;/b&gt; (FIXED_RADIUS_M, default 50 m; 0 = every device moves): a device with 10 reads or more whose reads (99 % of them, so one GPS glitch does not count) stay within this distance of their median position over the whole period is a fixed camera (on a pole, a bridge, a trailer), not a patrol car. Fixed cameras get no track; they come out as points in &lt;b&gt;Fixed cameras&lt;/b&gt; (FIXED_CAMERAS, optional: device, read_count, first_time, last_time, spread_m — the radius holding 99 % of its reads) and their reads are counted in FIXED_READ_COUNT. FIXED_CAMERA_COUNT and MOBILE_DEVICE_COUNT count the devices of each kind.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Counts&lt;/b&gt;: TRACK_COUNT lines, DEVICE_COUNT devices, SINGLE_READ_COUNT reads that form a track of their own (a read isolated by gaps or jumps on both sides: counted, not drawn, since a line needs two points), MISSING_LOCATION_COUNT reads without geometry (or that cannot be projected), MISSING_TIME_COUNT reads with a location but no readable time, MISSING_DEVICE_COUNT reads with both but no device. Guarantee: the read_count total + SINGLE_READ_COUNT + GLITCH_COUNT + MISSING_LOCATION_COUNT + MISSING_TIME_COUNT + MISSING_DEVICE_COUNT + FIXED_READ_COUNT = the reads in INPUT.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time and memory&lt;/b&gt; grow in proportion to the reads: they stream in a chunk at a time and only their device (a code), time, position and read id stay, about 50 bytes a read, plus the sort that orders each device's reads. Measured on a busy 2-core machine: about 8 s and 190 MiB per million reads (0.5, 1 and 2 million reads: 5, 9 and 16 s; 120, 200 and 370 MiB above QGIS's own). A run on more than a million reads logs its estimate first.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:devicetracks -- INPUT=reads.gpkg MAX_GAP_MINUTES=30 MAX_SPEED_KMH=150 OUTPUT=tracks.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="155"/>
        <source>Fixed camera radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="162"/>
        <source>A device whose reads stay this close to one place is a fixed camera (0: none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Fixed cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Reads without a time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Reads without a device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Mobile devices (patrol cars)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="177"/>
        <source>Reads by fixed cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="281"/>
        <source>The device or time field is not of a type read in the database: read through QGIS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="440"/>
        <source>{} fixed cameras ({} reads) get no track: {}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HeatmapAlgorithm</name>
    <message>
        <location filename="../algorithms/heatmap.py" line="54"/>
        <source>Make a heatmap (kernel density)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="55"/>
        <source>alpr,anpr,lpr,heatmap,heat map,kde,kernel density,density,hotspot,raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="113"/>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="113"/>
        <source>Point layer, e.g. reads; points without geometry are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="119"/>
        <source>Radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="119"/>
        <source>Kernel radius (search distance), in metres whatever the layer&apos;s CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="125"/>
        <source>Pixel size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="125"/>
        <source>Width and height of a raster cell, in metres.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Kernel shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Quartic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Triangular</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Uniform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Triweight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>Epanechnikov</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="131"/>
        <source>QGIS&apos;s kernel shapes, in QGIS&apos;s order; quartic is QGIS&apos;s default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="147"/>
        <source>Decay ratio (triangular kernel only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="147"/>
        <source>Kernel height at the radius relative to the centre, for the triangular kernel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="160"/>
        <source>Weight from field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="160"/>
        <source>Numeric field multiplying each point&apos;s kernel; empty weights count as 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="172"/>
        <source>Output values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="172"/>
        <source>Raw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="172"/>
        <source>Scaled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="172"/>
        <source>Raw kernel sums, or scaled by QGIS&apos;s normalising constants (density per square metre).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="178"/>
        <source>Extent (default: the points&apos; extent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="178"/>
        <source>Area to map; it is grown by the radius, and points outside the grown area are left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="182"/>
        <source>Heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="183"/>
        <source>Points used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="184"/>
        <source>Largest value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="223"/>
        <source>{} points without geometry skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="257"/>
        <source>{} points outside the extent (grown by the radius) left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="261"/>
        <source>{} points left out, as QGIS&apos;s heatmap leaves them out: their block of cells does not fit in this small raster (the radius rounded up to whole pixels is wider than the extent).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="267"/>
        <source>{} points mapped ({}); largest value {:.6g}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HotspotsAlgorithm</name>
    <message>
        <location filename="../algorithms/hotspots.py" line="44"/>
        <source>Find hotspots (Getis-Ord Gi*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="45"/>
        <source>alpr,anpr,lpr,hotspot,cold spot,getis,ord,gi*,hexagon,hex,grid,cluster,statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="89"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="89"/>
        <source>Point layer of reads; reads without geometry are skipped and counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="95"/>
        <source>Hexagon size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="95"/>
        <source>Distance between opposite edges of a hexagon, in metres.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="101"/>
        <source>Distance band (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="101"/>
        <source>Hexagons whose centres are at most this many metres apart are neighbours in Gi*. Use at least the hexagon size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="110"/>
        <source>Boundary (the grid covers it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="110"/>
        <source>Polygons to cover with hexagons, e.g. the city limits; empty: the reads&apos; extent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="117"/>
        <source>Hotspots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="118"/>
        <source>Hot-spot hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="118"/>
        <source>Cold-spot hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="118"/>
        <source>Hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="118"/>
        <source>Reads outside the grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="209"/>
        <source>CELL_SIZE must be more than 0 m (got {}). It is the distance between opposite edges.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="215"/>
        <source>DISTANCE_BAND must be more than 0 m (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="221"/>
        <source>INPUT has no reads: the layer is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="223"/>
        <source>None of the {} reads in INPUT has a location (all geometries are null).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="227"/>
        <source>{} reads without geometry skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="242"/>
        <source>Projected to {} ({}) for metres; the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="161"/>
        <source>{} reads could not be projected to {} and count as outside the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="176"/>
        <source>None of the reads could be projected to {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="250"/>
        <source>{} hexagons of {} m (edge to edge), distance band {} m.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="254"/>
        <source>DISTANCE_BAND ({} m) is smaller than CELL_SIZE ({} m): every hexagon is its own only neighbour, and Gi* only compares each count with the mean.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="265"/>
        <source>Neighbours per hexagon (itself included): {} to {}, median {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="271"/>
        <source>DISTANCE_BAND covers the whole grid: Gi* is undefined and every hexagon is not significant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="275"/>
        <source>{} reads fall outside the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="277"/>
        <source>{} hexagons: {} hot spots ({} at 99 %), {} cold spots ({} at 99 %).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="118"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinCensusAlgorithm</name>
    <message>
        <location filename="../algorithms/join_census.py" line="68"/>
        <source>Join census layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="132"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="132"/>
        <source>ALPR reads: points for a spatial join, or any table with READ_KEY_FIELD for a key join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Census units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="138"/>
        <source>Census polygons (tracts, block groups, ZIP areas), or a table joined on CENSUS_KEY_FIELD.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="144"/>
        <source>Population field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="144"/>
        <source>Residents per unit (numeric; default: population).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="151"/>
        <source>Attributes to compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="181"/>
        <source>Minimum population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="181"/>
        <source>Units with fewer residents get null rates and stay out of the statistics.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="191"/>
        <source>Read key field (key join)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="191"/>
        <source>For reads already coded by tract or ZIP: the field holding the code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="198"/>
        <source>Census key field (key join)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="198"/>
        <source>The census field matching READ_KEY_FIELD (e.g. geoid, zip).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="206"/>
        <source>Census units with read rates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="207"/>
        <source>Census statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads in a census unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads in no census unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Units compared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Units below the minimum population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Units without a usable polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads per 1,000 residents overall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="221"/>
        <source>Strongest relation, in words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="247"/>
        <source>{} units compared; {:.1f} reads per 1,000 residents overall; no correlation to report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="251"/>
        <source>reads per 1,000 residents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="251"/>
        <source>reads per km²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="254"/>
        <source>a higher share of {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="254"/>
        <source>higher {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="260"/>
        <source>strong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="261"/>
        <source>moderate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="262"/>
        <source>weak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="263"/>
        <source>no clear relation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="265"/>
        <source>more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="265"/>
        <source>fewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="266"/>
        <source>Strongest relation: units with {} have {} {} (Spearman {:+.2f}, {}; n = {} units, naive p = {:.2g}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="272"/>
        <source>Where they live, {} residents see {:.2f}× the overall read rate, {} residents {:.2f}×.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="296"/>
        <source>Reading the census units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="370"/>
        <source>The census layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="301"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="416"/>
        <source>{} reads have no {}: counted in no unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="428"/>
        <source>{} reads could not be transformed to the census layer&apos;s CRS: in no unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="431"/>
        <source>Finding the unit of each read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="308"/>
        <source>Rates and statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="317"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="440"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="441"/>
        <source>{} reads: {} in a census unit, {} in none, {} without a location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="446"/>
        <source>{} units: {} compared, {} below {} residents or without population, {} without a polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="452"/>
        <source>{} reads ({:.1%}) fall in no census unit: they are not in any rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="473"/>
        <source>    exposure: {:.1f} reads per 1,000 where they live, {:.2f}× the overall rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="151"/>
        <source>Numeric census values compared with the read rate as given, e.g. per_capita_income.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="159"/>
        <source>Residents by group (counts, turned into shares)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="159"/>
        <source>Numeric census fields counting residents of a group, e.g. pop_white, pop_black: each is divided by the population before comparing, and gets its exposure (the read rate where the group lives).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="171"/>
        <source>Treat every attribute as a count (older switch)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="171"/>
        <source>Treat every ATTRIBUTES field as a count of residents, as COUNT_ATTRIBUTES does. Prefer COUNT_ATTRIBUTES, which lets values such as income be compared as given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="460"/>
        <source>  {} ({}, {}): Spearman {:.3f} (p {:.2g}), Pearson {:.3f} (p {:.2g}), n {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="460"/>
        <source>share of residents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="460"/>
        <source>value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinCrimeAlgorithm</name>
    <message>
        <location filename="../algorithms/join_crime.py" line="52"/>
        <source>Compare reads with crime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="53"/>
        <source>alpr,anpr,lpr,plate,crime,incident,auto theft,stolen,correlation,spearman,hexagon,zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="96"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="96"/>
        <source>ALPR reads, e.g. the output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="97"/>
        <source>Crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="97"/>
        <source>Crime incidents as points (e.g. the police department&apos;s open data).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="102"/>
        <source>Category field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="102"/>
        <source>The field holding each crime&apos;s category or offence (needed for CATEGORY_FILTER).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="109"/>
        <source>Category filter (regular expression)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="109"/>
        <source>Keep crimes whose category matches, case-insensitive, e.g. VEHICLE|AUTO|PLATE. Empty: all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="115"/>
        <source>Polygons to count in (beats, tracts…). Empty: hexagons of CELL_SIZE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="122"/>
        <source>Hexagon size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="122"/>
        <source>Distance between opposite edges of a hexagon, in metres (used without ZONES).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="132"/>
        <source>Zones with reads and crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="133"/>
        <source>Reads against crime: statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Reads in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Crimes kept by the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Crimes left out by the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Reads in no zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Crimes in no zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Spearman correlation of reads and crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="134"/>
        <source>Share of reads in the top 20 % crime zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="147"/>
        <source>Reads against crime, in words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="278"/>
        <source>{} of {} crimes match {}: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="278"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="287"/>
        <source>No crime matches CATEGORY_FILTER: every crime count is 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="213"/>
        <source>Counting reads and crimes per zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="218"/>
        <source>Hexagons built in {} (metres); the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="239"/>
        <source>{} hexagons of {} m hold a read or a crime.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="166"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="175"/>
        <source>Internal error: reads or crimes counted twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="292"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="294"/>
        <source>The crimes layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="295"/>
        <source>{} reads ({} in no zone, {} without a location) and {} crimes ({} in no zone) in {} zones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="305"/>
        <source>Across {} zones, reads against crimes: Spearman {:+.2f} (naive p = {:.2g}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="309"/>
        <source>Across {} zones, no correlation of reads and crimes can be computed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="313"/>
        <source>The {} zones with the most crime (top 20 %) hold {:.0%} of the crimes but {:.0%} of the reads.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JurisdictionAlgorithm</name>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="51"/>
        <source>Find reads outside the jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="91"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="91"/>
        <source>ALPR reads, e.g. the output of alpr:loadreads or alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="94"/>
        <source>Jurisdiction boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="94"/>
        <source>The agency&apos;s territory: one or more polygons (dissolved). Reads on the border are inside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="100"/>
        <source>Neighbouring jurisdictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="100"/>
        <source>Polygons of the surrounding cities or counties, to say whose territory each read is in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="107"/>
        <source>Neighbour name field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="107"/>
        <source>The field naming each neighbour (default: name, else the first text field).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="114"/>
        <source>Reads outside the jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="115"/>
        <source>Reads outside, by jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="116"/>
        <source>Reads outside the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="116"/>
        <source>Reads inside the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="116"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="116"/>
        <source>Reads outside in no neighbour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="116"/>
        <source>Farthest read outside (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="158"/>
        <source>Reading the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="163"/>
        <source>Testing the reads against the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="167"/>
        <source>{} reads could not be transformed to the boundary&apos;s CRS: they count as outside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="215"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="218"/>
        <source>{} of {} located reads ({:.1%}) are outside {}; {} reads have no location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="224"/>
        <source>  {}: {} reads, median {:.0f} m and up to {:.0f} m beyond the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="164"/>
        <source>Distances measured in {} (metres).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadReadsAlgorithm</name>
    <message>
        <location filename="../algorithms/load_reads.py" line="52"/>
        <source>Load ALPR reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="53"/>
        <source>alpr,anpr,lpr,plate,csv,import,load,records request,foia</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="114"/>
        <source>ALPR export (CSV or delimited text, may be .gz)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="114"/>
        <source>Delimited text (*.csv *.tsv *.txt *.psv *.dat *.gz);;All files (*.*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="119"/>
        <source>The file of reads as the agency exported it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column holding the plate text or hash; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column holding the read&apos;s date and time; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Latitude (y) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column of latitudes or y; set with the longitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Longitude (x) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column of longitudes or x; set with the latitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Combined location field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>One column holding both coordinates, e.g. &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Device (camera/car) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column naming the camera or patrol car; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Plate state field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="121"/>
        <source>Column of the plate&apos;s issuing state; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="161"/>
        <source>Time format (strptime, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="164"/>
        <source>For example %m/%d/%Y %I:%M:%S %p. Empty: detect the format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="167"/>
        <source>CRS of the coordinates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="170"/>
        <source>The coordinate reference system the file&apos;s coordinates are in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="173"/>
        <source>Agency time zone (IANA name, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="184"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="187"/>
        <source>Rejected records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="188"/>
        <source>Reads loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="189"/>
        <source>Records rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="190"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="191"/>
        <source>Plates arrived hashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="230"/>
        <source>{} records: {} reads loaded, {} rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="322"/>
        <source>Encoding {}, {}-delimited, {} data records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="328"/>
        <source>Fields: plate = {}, time = {}, location = {} ({}), device = {}, state = {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="333"/>
        <source>Time format: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="342"/>
        <source>The plates arrived hashed: plate-text rules will not apply to them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="344"/>
        <source>No device column found: device is null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="347"/>
        <source>{} reads have no coordinates (kept, with no geometry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="352"/>
        <source>{} reads have coordinates that cannot be read, kept with no geometry; the first is row {}, field &quot;{}&quot;: &quot;{}&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="359"/>
        <source>Columns renamed: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="366"/>
        <source>Rejected records by reason: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="335"/>
        <source>The file has quoted line breaks or irregular quoting: its records were split with the exact, slower reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="176"/>
        <source>Timestamps with an offset are converted into this zone, e.g. America/Los_Angeles. Empty: the zone where the reads are, looked up from their coordinates.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="192"/>
        <source>Time zone of read_time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="249"/>
        <source>{} reads copied into {} in one transaction (COPY), with a spatial index and indexes on plate, device and read_time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="286"/>
        <source>Time zone: {}, given as TIMEZONE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="288"/>
        <source>Time zone: {}, looked up from the reads&apos; coordinates.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="290"/>
        <source>The timestamps carry no offset: kept as written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="292"/>
        <source>{} timestamps with an offset (or in Unix time) converted into {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="300"/>
        <source>the time-zone lookup library is not installed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="302"/>
        <source>no read has coordinates to look the zone up from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="304"/>
        <source>the reads&apos; coordinates lie in no known time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="306"/>
        <source>they could not be converted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="307"/>
        <source>Set TIMEZONE (an IANA name such as America/Los_Angeles) to convert them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="309"/>
        <source>Set TIMEZONE (an IANA name such as America/Los_Angeles), or {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="310"/>
        <source>{} timestamps carry a UTC offset or are in Unix time, but no time zone is known ({}): their offset was dropped and the clock time as written kept (UTC for Unix times). {}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SitesAlgorithm</name>
    <message>
        <location filename="../algorithms/sites.py" line="47"/>
        <source>Count reads near sensitive sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="90"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="90"/>
        <source>ALPR reads, e.g. the output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="91"/>
        <source>Sensitive sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="91"/>
        <source>Points of the places to check: places of worship, clinics, schools, lawyers, shelters…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="96"/>
        <source>Radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="96"/>
        <source>Reads at most this many metres from a site count as near it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="102"/>
        <source>The field holding the plates (or their anonymized ids), for unique_plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="105"/>
        <source>Random read locations for the baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="105"/>
        <source>How many read locations are drawn for expected_reads and percentile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="117"/>
        <source>Random seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="117"/>
        <source>Seed of the draws: the same seed and inputs give the same figures.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="124"/>
        <source>Sites with read counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="125"/>
        <source>Sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="125"/>
        <source>Reads near any site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="125"/>
        <source>Expected reads near a read location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="125"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="125"/>
        <source>Sites without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="215"/>
        <source>No plate field {}: unique_plates stays empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="173"/>
        <source>Reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="178"/>
        <source>Distances measured in {} (metres).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="182"/>
        <source>Counting reads near the sites and at random read locations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="221"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="223"/>
        <source>The sites layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="224"/>
        <source>A random read location has {:.1f} other reads within {} m ({} draws, seed {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="236"/>
        <source>site {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="237"/>
        <source>  {}: {} reads, {} plates; busier than {:.0f} % of read locations</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryAlgorithm</name>
    <message>
        <location filename="../algorithms/summary.py" line="74"/>
        <source>ALPR summary and report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="150"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="171"/>
        <source>Reference point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="171"/>
        <source>A place to count reads around, e.g. police headquarters (any CRS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="175"/>
        <source>Reference distance (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="175"/>
        <source>Radius around the reference point, in metres on the ellipsoid (one mile = 1609.344).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="185"/>
        <source>Boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="199"/>
        <source>Rejected reads (from alpr:cleanreads)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="244"/>
        <source>Heatmap (for the report&apos;s map)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="244"/>
        <source>An alpr:heatmap raster to draw on the map; without it the reads are drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="217"/>
        <source>Government plate pattern (regex)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="217"/>
        <source>Whole normalised plates of government vehicles (used without an is_government field).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="248"/>
        <source>Report title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="252"/>
        <source>Summary table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="255"/>
        <source>Report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="255"/>
        <source>HTML files (*.html *.htm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="280"/>
        <source>{} has no field &quot;{}&quot; ({}): the metrics that need it are null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="364"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="378"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="391"/>
        <source>Counting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="407"/>
        <source>Drawing the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="418"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="75"/>
        <source>alpr,anpr,lpr,plate,summary,report,statistics,numbers,html,audit,accountability,funnel,findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="79"/>
        <source>&lt;p&gt;The numbers of an ALPR dataset, as a table, and the whole story as one HTML report a newsroom could publish: from the records of the export to every finding, each with its method and caveats.&lt;/p&gt;&lt;p&gt;&lt;b&gt;INPUT&lt;/b&gt;: the reads analysed (clean from alpr:cleanreads, or raw from alpr:loadreads). &lt;b&gt;PLATE_FIELD&lt;/b&gt; (default plate; plate_id on anonymized reads), &lt;b&gt;TIME_FIELD&lt;/b&gt; (default read_time), &lt;b&gt;DEVICE_FIELD&lt;/b&gt; (default device), &lt;b&gt;STATE_FIELD&lt;/b&gt; (default: state when the layer has it; plates are then paired with their state). &lt;b&gt;REFERENCE_POINT&lt;/b&gt; and &lt;b&gt;REFERENCE_DISTANCE&lt;/b&gt; (metres, default one mile = 1609.344 m, on the WGS 84 ellipsoid): e.g. police headquarters. &lt;b&gt;BOUNDARY&lt;/b&gt;: the jurisdiction's polygon(s); reads beyond it are counted, it frames the map and names the place in the default title (its name field, else the layer's name). &lt;b&gt;NEIGHBOURS&lt;/b&gt;: neighbouring jurisdictions, drawn and named around it on the map, with the census units (CENSUS) as a light basemap; the map shows the heatmap in reads per km² with its legend, a scale bar and a north arrow. &lt;b&gt;GOVERNMENT_PATTERN&lt;/b&gt;: regular expression of whole normalised government plates, used when the layer has no is_government field. &lt;b&gt;FIXED_RADIUS_M&lt;/b&gt; (default 50 m; 0 = none): a device with 10 reads or more, 99 % of them within this distance of one place, is a fixed camera; the report counts devices and reads of fixed and mobile cameras apart.&lt;/p&gt;&lt;p&gt;&lt;b&gt;The funnel.&lt;/b&gt; &lt;b&gt;REJECTED&lt;/b&gt;: the cleaner's rejected layer (field reason). &lt;b&gt;UNREADABLE&lt;/b&gt;: the loader's REJECTED table (records that could not be read; only its reason is read, never the raw text). With both, records_in_source = INPUT + REJECTED + UNREADABLE accounts for every record of the export, and the report opens with it.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time zone.&lt;/b&gt; &lt;b&gt;TIMEZONE&lt;/b&gt; (optional IANA name such as America/Los_Angeles): the zone the report names for its times. Empty: the zone where the reads are, looked up offline from their coordinates; when it cannot be, times are called local time as recorded. Times are never shifted: reads already hold the agency's local wall-clock time.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Results&lt;/b&gt; (optional; each adds a section to the report with a headline and its number, a chart and a table, the method and its caveats): &lt;b&gt;HOTSPOTS&lt;/b&gt; (alpr:hotspots hexagons: hot spots and their share of the reads), &lt;b&gt;CENSUS&lt;/b&gt; and &lt;b&gt;CENSUS_STATS&lt;/b&gt; (alpr:joincensus units and statistics: disparity, correlations, exposure by group; caveats: ecological fallacy, naive p-values), &lt;b&gt;CRIME_STATS&lt;/b&gt; (alpr:joincrime statistics: do reads follow crime?), &lt;b&gt;SITES&lt;/b&gt; (alpr:sites: reads near sensitive places against a road-based baseline), &lt;b&gt;OUTSIDE&lt;/b&gt; (alpr:jurisdiction: reads outside the boundary, by jurisdiction and distance), &lt;b&gt;TRACKS&lt;/b&gt; (alpr:devicetracks: where and when each camera car drove), &lt;b&gt;AUDIT&lt;/b&gt; (alpr:anonymizeplates audit: how many vehicles a few known sightings single out in the release, fields dropped and values cleared), &lt;b&gt;MODEL&lt;/b&gt; (alpr:countmodel OUTPUT_MODEL: rate ratios with 95 % intervals), &lt;b&gt;HEATMAP&lt;/b&gt; (an alpr:heatmap raster drawn on the map; without it the reads are drawn, or their density beyond 100,000). A layer of the wrong kind (without the fields its algorithm writes) is an error naming the parameter; nothing is written.&lt;/p&gt;&lt;p&gt;&lt;b&gt;REPORT_TITLE&lt;/b&gt;: the report's title (default: the place and the dates of the reads).&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT_TABLE&lt;/b&gt;: one row per metric: &lt;i&gt;metric&lt;/i&gt;, &lt;i&gt;value&lt;/i&gt; (null where the input cannot give it, never a made-up zero), &lt;i&gt;note&lt;/i&gt;. The funnel: records_in_source, unreadable_records, rejected_reads, one rejected_&amp;lt;reason&amp;gt; per reason present, misreads (rejected for their text: empty_plate, invalid_chars, sign_word, overlength). Then total_reads; unique_plates (after the cleaner's normalisation: upper case, spaces, dashes and dots removed; paired with the state when there is one); plates_seen_once; mean_reads_per_plate; max_reads_single_plate; government_plates and government_reads (from is_government, else the pattern; null for hashed plates); duplicate_reads (from is_duplicate); reads_near_reference; reads_outside_boundary (the border counts as inside); reads_missing_location (INPUT and REJECTED together: no geometry, at 0,0, or out of range); devices; days_with_reads; busiest_device_share. Each metric of that list is also an output number of the same name in upper case.&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT_HTML&lt;/b&gt;: one self-contained HTML file (charts embedded, opens offline): the title, the funnel, key findings, the numbers under plain labels, reads by hour and by weekday × hour in the named zone, reads per plate and the most-read plates by rank (plates withheld, government plates flagged), reads per camera, a map, a section per result, and a methods appendix (inputs by layer name, parameters, software versions, definitions, caveats). Every text from the data is escaped; no plate, path or layer source appears. The file is created with the user's umask.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time and memory&lt;/b&gt; grow in proportion to the reads: they stream in a chunk at a time and only compact columns stay (plate, state and device as codes with each distinct text once, the time, the position and where it lies: about 50 bytes a read), then the counts. Measured on a busy 2-core machine: about 20 s and 260 MiB per million reads (0.5, 1 and 2 million reads: 11, 20 and 37 s; 195, 305 and 515 MiB above QGIS's own). A run on more than a million reads logs its estimate first.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:summary -- INPUT=clean.gpkg REJECTED=rejected.gpkg UNREADABLE=unreadable.gpkg BOUNDARY=city.gpkg|layername=city_boundary HOTSPOTS=hotspots.gpkg REFERENCE_POINT=&quot;-122.27,37.80 [EPSG:4326]&quot; OUTPUT_TABLE=summary.gpkg OUTPUT_HTML=report.html&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="150"/>
        <source>ALPR reads: the output of alpr:cleanreads (or alpr:loadreads).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="185"/>
        <source>The jurisdiction&apos;s polygon(s): reads beyond it are counted; it frames the map and names the place.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="193"/>
        <source>Neighbouring jurisdictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="193"/>
        <source>Drawn (and named, from a name field) as the map&apos;s light basemap around the boundary.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="199"/>
        <source>The cleaner&apos;s REJECTED layer (field reason): the funnel&apos;s rejected reads, by reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="208"/>
        <source>Unreadable records (from alpr:loadreads)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="208"/>
        <source>The loader&apos;s REJECTED table: records of the export that could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="224"/>
        <source>Fixed camera radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="224"/>
        <source>A device whose reads stay this close to one place is a fixed camera, not a patrol car (0: none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="235"/>
        <source>Time zone the report names</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="235"/>
        <source>IANA name (e.g. America/Los_Angeles); empty: looked up from where the reads are.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="240"/>
        <source>Optional: {}; adds its section to the report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="248"/>
        <source>Title of the HTML report (default: the place and the dates of the reads).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="263"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="380"/>
        <source>Times are named in {} ({}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="380"/>
        <source>local time as recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="427"/>
        <source>Report written: {}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>alg</name>
    <message>
        <location filename="../qgis_io/inputs.py" line="142"/>
        <source>{}: {} invalid polygon(s) repaired (feature id {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="148"/>
        <source>{}: {} feature(s) without a usable polygon skipped (feature id {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="324"/>
        <source>{} has no CRS; its coordinates are read as EPSG:4326 degrees.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="184"/>
        <source>{} has no CRS; it is taken to be in the reads&apos; CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="193"/>
        <source>{} reads lie at 0,0 (null island): their coordinates were missing. Run alpr:cleanreads first to set them apart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="206"/>
        <source>Input fields replaced by the computed ones: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="267"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="452"/>
        <source>Locations snapped to a {} m grid in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="462"/>
        <source>Auditing the release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="465"/>
        <source>Writing the release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="468"/>
        <source>Anonymized reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="489"/>
        <source>{} reads of {} plates anonymized with {} ({} characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="161"/>
        <source>Duplicate flagging needs the fields {} and {}; it was skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="417"/>
        <source>Looking over the plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="420"/>
        <source>The plates arrived hashed: plate-text rules are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="421"/>
        <source>Applying the rules and writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="448"/>
        <source>Clean reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="448"/>
        <source>Rejected reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/hotspots.py" line="132"/>
        <source>Projected to {} ({}) for metres; the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="247"/>
        <source>Finding the unit of each read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="292"/>
        <source>{} reads have no {}: counted in no unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="359"/>
        <source>Hexagons built in {} (metres); the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="361"/>
        <source>Counting reads and crimes per zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="482"/>
        <source>Distances measured in {} (metres).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="487"/>
        <source>Counting reads near the sites and at random read locations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/jurisdiction.py" line="356"/>
        <source>Reads outside the jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="257"/>
        <source>the boundary&apos;s CRS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="261"/>
        <source>{}: {} cannot be counted in the database as in a file; the reads are read through QGIS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="277"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="286"/>
        <source>Times are named in {} ({}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="152"/>
        <source>local time as recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="294"/>
        <source>Counting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="208"/>
        <source>looked up from where the reads are</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="209"/>
        <source>the zone could not be looked up from the reads&apos; locations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="77"/>
        <source>{} read_id values are both in INPUT and in {}: records_in_source counts them twice. Give the clean reads as INPUT and each step&apos;s own rejected layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/tracks.py" line="303"/>
        <source>INPUT has no CRS: set the layer&apos;s CRS so distances can be measured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/tracks.py" line="306"/>
        <source>INPUT has no reads: the layer is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/tracks.py" line="356"/>
        <source>None of the {} reads has a location, a time (field &quot;{}&quot;) and a device (field &quot;{}&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="77"/>
        <source>the heatmap of the reads (reads per km²)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="82"/>
        <source>the density of the {:,} located reads (reads per km², smoothed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="87"/>
        <source>the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="99"/>
        <source>the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="100"/>
        <source>the neighbouring jurisdictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="101"/>
        <source>the census units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="106"/>
        <source>the reference point (star) and its radius (dashed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="108"/>
        <source>No map: the input has no located read to draw.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="109"/>
        <source>Reads: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="109"/>
        <source>the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="112"/>
        <source>basemap: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="113"/>
        <source>map: alpr_qgis {} on QGIS {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="125"/>
        <source>The map could not be drawn: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="126"/>
        <source>The map could not be drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/report_map.py" line="127"/>
        <source>Map of {}, in {}. Legend, scale bar and north arrow on the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="136"/>
        <source>(not given)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="137"/>
        <source>Reads analysed (INPUT)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="138"/>
        <source>Rejected reads (REJECTED)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="138"/>
        <source>Unreadable records (UNREADABLE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="138"/>
        <source>Boundary (BOUNDARY)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="203"/>
        <source>given as TIMEZONE</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>alpr_core</name>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="418"/>
        <source>KEY_AUTHCFG &quot;{authcfg}&quot; cannot be read from QGIS&apos;s authentication database.</source>
        <translation>KEY_AUTHCFG « {authcfg} » ne peut pas être lu dans la base d’authentification de QGIS.</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="418"/>
        <source>Check the configuration id, and that the master password is set (qgis_process: QGIS_AUTH_PASSWORD_FILE).</source>
        <translation>Vérifiez l’identifiant de la configuration, et que le mot de passe principal est défini (qgis_process : QGIS_AUTH_PASSWORD_FILE).</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="426"/>
        <source>KEY_AUTHCFG &quot;{authcfg}&quot; holds no password.</source>
        <translation>KEY_AUTHCFG « {authcfg} » ne contient aucun mot de passe.</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="426"/>
        <source>Store the secret as the password of a Basic authentication configuration.</source>
        <translation>Enregistrez le secret comme mot de passe d’une configuration d’authentification de base (Basic).</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="198"/>
        <source>is not a distance in metres greater than 0</source>
        <translation>n’est pas une distance en mètres supérieure à 0</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="202"/>
        <source>is not a GeoTIFF file name</source>
        <translation>n’est pas un nom de fichier GeoTIFF</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="202"/>
        <source>Use a .tif file for the heatmap.</source>
        <translation>Utilisez un fichier .tif pour la carte de chaleur.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="291"/>
        <source>A key join needs both READ_KEY_FIELD and CENSUS_KEY_FIELD.</source>
        <translation>Une jointure par clé demande à la fois READ_KEY_FIELD et CENSUS_KEY_FIELD.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="291"/>
        <source>Set both, or neither for a spatial join</source>
        <translation>Renseignez les deux, ou aucun pour une jointure spatiale</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="355"/>
        <source>has no polygons: a spatial join needs census polygons.</source>
        <translation>n’a pas de polygones : une jointure spatiale demande des polygones de recensement.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="355"/>
        <source>Choose a polygon CENSUS layer, or join on READ_KEY_FIELD and CENSUS_KEY_FIELD</source>
        <translation>Choisissez une couche CENSUS de polygones, ou joignez sur READ_KEY_FIELD et CENSUS_KEY_FIELD</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="362"/>
        <source>has no points: a spatial join needs reads with locations.</source>
        <translation>n’a pas de points : une jointure spatiale demande des lectures localisées.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="362"/>
        <source>Choose a point INPUT layer, or join on READ_KEY_FIELD and CENSUS_KEY_FIELD</source>
        <translation>Choisissez une couche INPUT de points, ou joignez sur READ_KEY_FIELD et CENSUS_KEY_FIELD</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="267"/>
        <source>has no field &quot;{field}&quot;.</source>
        <translation>n’a pas de champ « {field} ».</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/joins.py" line="267"/>
        <source>Choose {parameter} among: {fields}</source>
        <translation>Choisissez {parameter} parmi : {fields}</translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="251"/>
        <source>needs CATEGORY_FIELD, the field to match.</source>
        <translation>demande CATEGORY_FIELD, le champ à comparer.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="138"/>
        <source>has no field {field}.</source>
        <translation>n’a pas de champ {field}.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="206"/>
        <source>has no usable polygon.</source>
        <translation>n’a aucun polygone utilisable.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="206"/>
        <source>Choose a BOUNDARY layer holding the jurisdiction&apos;s polygon(s)</source>
        <translation>Choisissez une couche BOUNDARY contenant le ou les polygones de la juridiction</translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="286"/>
        <source>has no field &quot;{name}&quot;.</source>
        <translation>n’a pas de champ « {name} ».</translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="286"/>
        <source>Fields present: {fields}. Set {parameter} to one of them, or leave it empty.</source>
        <translation>Champs présents : {fields}. Indiquez l’un d’eux dans {parameter}, ou laissez-le vide.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="70"/>
        <source>Set only one of {given}, not both.</source>
        <translation>Ne renseignez qu’un seul de ces paramètres : {given}, pas les deux.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="70"/>
        <source>KEY_AUTHCFG or KEY_FILE are the safe ones: KEY is stored in QGIS&apos;s history.</source>
        <translation>KEY_AUTHCFG et KEY_FILE sont les options sûres : KEY est enregistrée dans l’historique de QGIS.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="82"/>
        <source>cannot be read ({reason}).</source>
        <translation>ne peut pas être lu ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="88"/>
        <source>is empty: it holds no key.</source>
        <translation>est vide : il ne contient aucune clé.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="88"/>
        <source>Write a long random secret into it (e.g. 32 random bytes).</source>
        <translation>Écrivez-y un long secret aléatoire (par exemple 32 octets aléatoires).</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="101"/>
        <source>{origin} holds a key of {size} bytes: a secret shorter than {minimum} bytes can be guessed.</source>
        <translation>{origin} contient une clé de {size} octets : un secret de moins de {minimum} octets peut être deviné.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="101"/>
        <source>Use a long random secret, e.g. the output of: python3 -c &quot;import secrets; print(secrets.token_hex(32))&quot;.</source>
        <translation>Utilisez un long secret aléatoire, par exemple la sortie de : python3 -c &quot;import secrets; print(secrets.token_hex(32))&quot;.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="123"/>
        <source>METHOD &quot;{method}&quot; is not one of {choices}.</source>
        <translation>METHOD « {method} » ne fait pas partie de : {choices}.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="151"/>
        <source>TIME_PRECISION &quot;{precision}&quot; is not one of {choices}.</source>
        <translation>TIME_PRECISION « {precision} » ne fait pas partie de : {choices}.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="216"/>
        <source>KEEP_FIELDS names the plate field &quot;{name}&quot;: a release never keeps plates.</source>
        <translation>KEEP_FIELDS désigne le champ des plaques « {name} » : une publication ne conserve jamais les plaques.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="216"/>
        <source>Remove it from KEEP_FIELDS; plate_id stands for it in the release.</source>
        <translation>Retirez-le de KEEP_FIELDS ; plate_id le remplace dans la publication.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="226"/>
        <source>KEEP_FIELDS names &quot;{name}&quot;, which EXTRA_PLATE_FIELDS says holds plates.</source>
        <translation>KEEP_FIELDS désigne « {name} », qui selon EXTRA_PLATE_FIELDS contient des plaques.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="226"/>
        <source>Remove it from one of the two lists.</source>
        <translation>Retirez-le de l’une des deux listes.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="234"/>
        <source>KEEP_FIELDS names &quot;{name}&quot;, which the input layer does not have.</source>
        <translation>KEEP_FIELDS désigne « {name} », que la couche en entrée ne possède pas.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="234"/>
        <source>Fields present: {fields}.</source>
        <translation>Champs présents : {fields}.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="67"/>
        <source>Field &quot;{field}&quot; is both in ATTRIBUTES and in COUNT_ATTRIBUTES.</source>
        <translation>Le champ « {field} » figure à la fois dans ATTRIBUTES et dans COUNT_ATTRIBUTES.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="67"/>
        <source>Put a value (such as income) in ATTRIBUTES and a count of residents (such as residents by race) in COUNT_ATTRIBUTES, each field in one of them</source>
        <translation>Mettez une valeur (comme le revenu) dans ATTRIBUTES et un effectif d’habitants (comme les habitants par origine) dans COUNT_ATTRIBUTES, chaque champ dans une seule des deux listes</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="134"/>
        <source>is a yes/no field, not a number.</source>
        <translation>est un champ oui/non, pas un nombre.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="134"/>
        <source>Choose a numeric {parameter}</source>
        <translation>Choisissez un {parameter} numérique</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="150"/>
        <source>is not a number ({count} such values).</source>
        <translation>n’est pas un nombre ({count} valeurs de ce type).</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="150"/>
        <source>Choose a numeric {parameter} or fix the layer</source>
        <translation>Choisissez un {parameter} numérique ou corrigez la couche</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="372"/>
        <source>appears {count} times: census keys must be unique.</source>
        <translation>apparaît {count} fois : les clés du recensement doivent être uniques.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="372"/>
        <source>Choose another CENSUS_KEY_FIELD or remove the duplicates</source>
        <translation>Choisissez un autre CENSUS_KEY_FIELD ou supprimez les doublons</translation>
    </message>
    <message>
        <location filename="../core/cleaning.py" line="315"/>
        <source>GOVERNMENT_PATTERN &quot;{pattern}&quot; is not a valid regular expression ({error}).</source>
        <translation>GOVERNMENT_PATTERN « {pattern} » n’est pas une expression régulière valide ({error}).</translation>
    </message>
    <message>
        <location filename="../core/cleaning.py" line="315"/>
        <source>The default, \d{{7}}, matches plates of seven digits.</source>
        <translation>La valeur par défaut, \d{{7}}, reconnaît les plaques de sept chiffres.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="133"/>
        <source>is the exposure: its share of itself is 100 %.</source>
        <translation>est l’exposition : sa part d’elle-même vaut 100 %.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="133"/>
        <source>Remove it from SHARE_PREDICTORS</source>
        <translation>Retirez-le de SHARE_PREDICTORS</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="168"/>
        <source>is the count or the exposure, not a predictor.</source>
        <translation>est l’effectif ou l’exposition, pas un prédicteur.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="241"/>
        <source>Remove it from PREDICTORS</source>
        <translation>Retirez-le de PREDICTORS</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="174"/>
        <source>is listed twice in PREDICTORS.</source>
        <translation>figure deux fois dans PREDICTORS.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="174"/>
        <source>List each predictor once</source>
        <translation>Indiquez chaque prédicteur une seule fois</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="188"/>
        <source>is negative: a count model needs counts of 0 or more.</source>
        <translation>est négatif : un modèle de comptage demande des effectifs de 0 ou plus.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="188"/>
        <source>Choose a COUNT_FIELD of counts, e.g. read_count</source>
        <translation>Choisissez un COUNT_FIELD d’effectifs, par exemple read_count</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="199"/>
        <source>is not a whole number: a count model needs counts, not rates or shares.</source>
        <translation>n’est pas un nombre entier : un modèle de comptage demande des effectifs, pas des taux ni des parts.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="199"/>
        <source>Choose a COUNT_FIELD of counts, e.g. read_count, and put the population in EXPOSURE_FIELD</source>
        <translation>Choisissez un COUNT_FIELD d’effectifs, par exemple read_count, et mettez la population dans EXPOSURE_FIELD</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="211"/>
        <source>has no positive value: the exposure (population or area) must be above 0 in some unit.</source>
        <translation>n’a aucune valeur positive : l’exposition (population ou surface) doit dépasser 0 dans au moins une unité.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="211"/>
        <source>Choose another EXPOSURE_FIELD, e.g. population</source>
        <translation>Choisissez un autre EXPOSURE_FIELD, par exemple population</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="229"/>
        <source>{units} unit(s) can enter the model (count, exposure &gt; 0 and every predictor known), but a model with {parameters} parameter(s) needs at least {needed}.</source>
        <translation>{units} unité(s) peuvent entrer dans le modèle (effectif, exposition &gt; 0 et tous les prédicteurs connus), mais un modèle à {parameters} paramètre(s) en demande au moins {needed}.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="229"/>
        <source>Use fewer PREDICTORS or more units</source>
        <translation>Utilisez moins de PREDICTORS ou davantage d’unités</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="241"/>
        <source>is constant, or a combination of the predictors before it, over the units in the model: its effect cannot be estimated.</source>
        <translation>est constant, ou une combinaison des prédicteurs qui le précèdent, sur les unités du modèle : son effet ne peut pas être estimé.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="250"/>
        <source>is 0 in every unit of the model: there is nothing to model.</source>
        <translation>vaut 0 dans toutes les unités du modèle : il n’y a rien à modéliser.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="250"/>
        <source>Check COUNT_FIELD</source>
        <translation>Vérifiez COUNT_FIELD</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="306"/>
        <source>is not a model family.</source>
        <translation>n’est pas une famille de modèles.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="306"/>
        <source>Choose one of: {families}</source>
        <translation>Choisissez l’une des valeurs : {families}</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="331"/>
        <source>{units} unit(s) can enter the model, but a negative binomial model with {parameters} parameter(s) and its dispersion needs at least {needed}.</source>
        <translation>{units} unité(s) peuvent entrer dans le modèle, mais un modèle binomial négatif à {parameters} paramètre(s) plus sa dispersion en demande au moins {needed}.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="331"/>
        <source>Use fewer PREDICTORS, more units, or FAMILY=poisson</source>
        <translation>Utilisez moins de PREDICTORS, davantage d’unités, ou FAMILY=poisson</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="366"/>
        <source>The Poisson fit did not converge: {error} — check the predictors' values.</source>
        <translation>L’ajustement de Poisson n’a pas convergé : {error} — vérifiez les valeurs des prédicteurs.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="375"/>
        <source>The Poisson fit did not converge: an estimate runs off to infinity{terms} (e.g. a predictor that separates units with and without reads).</source>
        <translation>L’ajustement de Poisson n’a pas convergé : une estimation part à l’infini{terms} (par exemple un prédicteur qui sépare les unités avec et sans lectures).</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="503"/>
        <source>The negative binomial fit did not converge: its dispersion α goes to 0 (the counts vary no more than a Poisson's) or the search fails. Use FAMILY=poisson, or fewer PREDICTORS.</source>
        <translation>L’ajustement binomial négatif n’a pas convergé : sa dispersion α tend vers 0 (les effectifs ne varient pas plus que ceux d’une loi de Poisson) ou la recherche échoue. Utilisez FAMILY=poisson, ou moins de PREDICTORS.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="508"/>
        <source>The negative binomial fit did not converge: no maximum of the likelihood was found. Try fewer PREDICTORS, or FAMILY=poisson.</source>
        <translation>L’ajustement binomial négatif n’a pas convergé : aucun maximum de la vraisemblance n’a été trouvé. Essayez moins de PREDICTORS, ou FAMILY=poisson.</translation>
    </message>
    <message>
        <location filename="../core/crime.py" line="45"/>
        <source>is not a valid regular expression ({error}).</source>
        <translation>n’est pas une expression régulière valide ({error}).</translation>
    </message>
    <message>
        <location filename="../core/crime.py" line="45"/>
        <source>Use for example VEHICLE|AUTO|PLATE, or leave it empty for every crime</source>
        <translation>Utilisez par exemple VEHICLE|AUTO|PLATE, ou laissez-le vide pour tous les délits</translation>
    </message>
    <message>
        <location filename="../core/errors.py" line="35"/>
        <source>row {row}</source>
        <translation>ligne {row}</translation>
    </message>
    <message>
        <location filename="../core/errors.py" line="36"/>
        <source>field &quot;{field}&quot;</source>
        <translation>champ « {field} »</translation>
    </message>
    <message>
        <location filename="../core/errors.py" line="37"/>
        <source>&quot;{value}&quot; {message}</source>
        <translation>« {value} » {message}</translation>
    </message>
    <message>
        <location filename="../core/errors.py" line="38"/>
        <source>{where}: {message}</source>
        <translation>{where} : {message}</translation>
    </message>
    <message>
        <location filename="../core/errors.py" line="39"/>
        <source>{message}. {hint}</source>
        <translation>{message}. {hint}</translation>
    </message>
    <message>
        <location filename="../core/hotspots.py" line="214"/>
        <source>The grid would need about {cells} hexagons of {size} m to cover {width:.1f} km × {height:.1f} km (at most {most}). Choose a larger CELL_SIZE or a BOUNDARY, or remove far-off reads (e.g. points at 0,0: run Remove misreads first).</source>
        <translation>La grille demanderait environ {cells} hexagones de {size} m pour couvrir {width:.1f} km × {height:.1f} km (au plus {most}). Choisissez un CELL_SIZE plus grand ou un BOUNDARY, ou retirez les lectures lointaines (par exemple des points en 0,0 : lancez d’abord Remove misreads).</translation>
    </message>
    <message>
        <location filename="../core/hotspots.py" line="230"/>
        <source>BOUNDARY covers no hexagon.</source>
        <translation>BOUNDARY ne couvre aucun hexagone.</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="51"/>
        <source>is not a usable radius: give a distance greater than 0 m</source>
        <translation>n’est pas un rayon utilisable : donnez une distance supérieure à 0 m</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="57"/>
        <source>is not a usable pixel size: give a distance greater than 0 m</source>
        <translation>n’est pas une taille de pixel utilisable : donnez une distance supérieure à 0 m</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="143"/>
        <source>is not a usable extent</source>
        <translation>n’est pas une emprise utilisable</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="69"/>
        <source>makes a raster of {rows} × {columns} cells, too large</source>
        <translation>donne un raster de {rows} × {columns} cellules, trop grand</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="69"/>
        <source>Use a larger pixel size or a smaller extent (at most {limit:,} cells).</source>
        <translation>Utilisez une taille de pixel plus grande ou une emprise plus petite (au plus {limit:,} cellules).</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="96"/>
        <source>has no plate field &quot;{field}&quot;.</source>
        <translation>n’a pas de champ de plaques « {field} ».</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="96"/>
        <source>Fields present: {fields}. Set PLATE_FIELD to the field holding the plates.</source>
        <translation>Champs présents : {fields}. Indiquez dans PLATE_FIELD le champ qui contient les plaques.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="377"/>
        <source>holds numbers ({kind}), not text: plates would lose leading zeros and letters.</source>
        <translation>contient des nombres ({kind}), pas du texte : les plaques perdraient leurs zéros initiaux et leurs lettres.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/clean.py" line="377"/>
        <source>Load the export with alpr:loadreads (it keeps plates as text), or choose the text field of plates.</source>
        <translation>Chargez l’export avec alpr:loadreads (il garde les plaques en texte), ou choisissez le champ texte des plaques.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="122"/>
        <source>holds values that are not text.</source>
        <translation>contient des valeurs qui ne sont pas du texte.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="122"/>
        <source>Choose the text field of plates as PLATE_FIELD.</source>
        <translation>Choisissez le champ texte des plaques comme PLATE_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="226"/>
        <source>{parameter} names a field that is not in the file: {name}.</source>
        <translation>{parameter} désigne un champ absent du fichier : {name}.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="265"/>
        <source>Fields found: {fields}.</source>
        <translation>Champs trouvés : {fields}.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="251"/>
        <source>has no recognisable plate column.</source>
        <translation>n’a pas de colonne de plaques reconnaissable.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="251"/>
        <source>Fields found: {fields}. Set PLATE_FIELD to the column holding the plates.</source>
        <translation>Champs trouvés : {fields}. Indiquez dans PLATE_FIELD la colonne qui contient les plaques.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="265"/>
        <source>LAT_FIELD and LON_FIELD must be set together.</source>
        <translation>LAT_FIELD et LON_FIELD doivent être renseignés ensemble.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="278"/>
        <source>has no recognisable location: no latitude/longitude columns and no column of coordinates such as &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80).</source>
        <translation>n’a pas de position reconnaissable : ni colonnes de latitude/longitude, ni colonne de coordonnées comme &quot;(37.80, -122.27)&quot; ou POINT(-122.27 37.80).</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="278"/>
        <source>Fields found: {fields}. Set LAT_FIELD and LON_FIELD, or LOCATION_FIELD.</source>
        <translation>Champs trouvés : {fields}. Indiquez LAT_FIELD et LON_FIELD, ou LOCATION_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="287"/>
        <source>holds no coordinates (such as &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80)).</source>
        <translation>ne contient pas de coordonnées (comme &quot;(37.80, -122.27)&quot; ou POINT(-122.27 37.80)).</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="287"/>
        <source>It may hold beat codes or addresses. Fields found: {fields}. Set LAT_FIELD and LON_FIELD instead.</source>
        <translation>Elle contient peut-être des codes de secteur ou des adresses. Champs trouvés : {fields}. Indiquez plutôt LAT_FIELD et LON_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="337"/>
        <source>has no recognisable timestamp column.</source>
        <translation>n’a pas de colonne d’horodatage reconnaissable.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="337"/>
        <source>Fields found: {fields}. Set TIME_FIELD (and TIME_FORMAT if the times are written unusually, e.g. %m/%d/%Y %I:%M:%S %p).</source>
        <translation>Champs trouvés : {fields}. Indiquez TIME_FIELD (et TIME_FORMAT si les heures sont écrites de façon inhabituelle, par exemple %m/%d/%Y %I:%M:%S %p).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="337"/>
        <source>is empty: it holds no header and no records.</source>
        <translation>est vide : il ne contient ni en-tête ni enregistrement.</translation>
    </message>
    <message>
        <location filename="../core/reads/loading.py" line="129"/>
        <source>holds a header but no data records.</source>
        <translation>contient un en-tête mais aucun enregistrement de données.</translation>
    </message>
    <message>
        <location filename="../core/reads/loading.py" line="129"/>
        <source>Check that the export is complete.</source>
        <translation>Vérifiez que l’export est complet.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="153"/>
        <source>cannot be opened ({reason}).</source>
        <translation>ne peut pas être ouvert ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="162"/>
        <source>is not a valid gzip file (it is truncated or damaged).</source>
        <translation>n’est pas un fichier gzip valide (il est tronqué ou endommagé).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="162"/>
        <source>Decompress it by hand to check it, or export it again.</source>
        <translation>Décompressez-le à la main pour le vérifier, ou exportez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="168"/>
        <source>is a ZIP archive or a spreadsheet (XLSX), not delimited text.</source>
        <translation>est une archive ZIP ou un classeur (XLSX), pas du texte délimité.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="168"/>
        <source>Unzip it, or save the sheet as CSV, and load that file.</source>
        <translation>Décompressez-le, ou enregistrez la feuille en CSV, et chargez ce fichier.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="198"/>
        <source>has a header of {columns:,} columns, more than any ALPR export holds (at most {limit:,} are read).</source>
        <translation>a un en-tête de {columns:,} colonnes, plus qu’aucun export LAPI n’en contient (au plus {limit:,} sont lues).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="198"/>
        <source>Check that this is the export of the reads and that its first line is its header.</source>
        <translation>Vérifiez qu’il s’agit bien de l’export des lectures et que sa première ligne est son en-tête.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="212"/>
        <source>is not a text file (it holds binary data).</source>
        <translation>n’est pas un fichier texte (il contient des données binaires).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="212"/>
        <source>Choose the CSV or delimited-text export of the reads.</source>
        <translation>Choisissez l’export CSV ou texte délimité des lectures.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="318"/>
        <source>cannot be split into records ({reason}).</source>
        <translation>ne peut pas être découpé en enregistrements ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="318"/>
        <source>Check the quoting near that line.</source>
        <translation>Vérifiez les guillemets autour de cette ligne.</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="241"/>
        <source>matches none of the timestamps, such as &quot;{example}&quot;.</source>
        <translation>ne correspond à aucun des horodatages, comme « {example} ».</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="241"/>
        <source>TIME_FORMAT is {format}; fix it (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p) or leave it empty to detect the format.</source>
        <translation>TIME_FORMAT vaut {format} ; corrigez-le (codes strptime, par exemple %m/%d/%Y %I:%M:%S %p) ou laissez-le vide pour détecter le format.</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="249"/>
        <source>holds timestamps in a format that is not recognised, such as &quot;{example}&quot;.</source>
        <translation>contient des horodatages dans un format non reconnu, comme « {example} ».</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="249"/>
        <source>Set TIME_FORMAT (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p).</source>
        <translation>Indiquez TIME_FORMAT (codes strptime, par exemple %m/%d/%Y %I:%M:%S %p).</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="77"/>
        <source>{parameter} (&quot;{layer}&quot;) is not {what}: it has no field {missing}.</source>
        <translation>{parameter} (« {layer} ») n’est pas {what} : il n’a pas de champ {missing}.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="77"/>
        <source>Give {parameter} the layer that algorithm wrote, or leave {parameter} empty.</source>
        <translation>Donnez à {parameter} la couche écrite par cet algorithme, ou laissez {parameter} vide.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="135"/>
        <source>{parameter} (&quot;{layer}&quot;), row {row}, field &quot;{field}&quot;: &quot;{value}&quot; is not a number.</source>
        <translation>{parameter} (« {layer} »), ligne {row}, champ « {field} » : « {value} » n’est pas un nombre.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="135"/>
        <source>Give {parameter} the layer its algorithm wrote, unchanged.</source>
        <translation>Donnez à {parameter} la couche écrite par son algorithme, telle quelle.</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="66"/>
        <source>An empty name cannot be a PostgreSQL table or column</source>
        <translation>Un nom vide ne peut pas être une table ou une colonne PostgreSQL</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="68"/>
        <source>The name {name} holds a NUL character, which PostgreSQL cannot store</source>
        <translation>Le nom {name} contient un caractère NUL, que PostgreSQL ne peut pas stocker</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="73"/>
        <source>The name {name} is longer than PostgreSQL&apos;s 63 bytes; rename the field or table</source>
        <translation>Le nom {name} dépasse les 63 octets de PostgreSQL ; renommez le champ ou la table</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="97"/>
        <source>Column {name} holds time-zone-aware times; the reads table stores naive local time</source>
        <translation>La colonne {name} contient des heures avec fuseau horaire ; la table des lectures stocke l’heure locale sans fuseau</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="209"/>
        <source>The reads already have a column called {name}, the geometry column&apos;s name</source>
        <translation>Les lectures ont déjà une colonne nommée {name}, le nom de la colonne de géométrie</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="214"/>
        <source>The reads have two columns of the same name</source>
        <translation>Les lectures ont deux colonnes du même nom</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="370"/>
        <source>The value holds a NUL character, which PostgreSQL cannot store</source>
        <translation>La valeur contient un caractère NUL, que PostgreSQL ne peut pas stocker</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="370"/>
        <source>Remove the character from the source and load again.</source>
        <translation>Retirez le caractère de la source et chargez à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="393"/>
        <source>A value is not valid Unicode text (a lone surrogate)</source>
        <translation>Une valeur n’est pas du texte Unicode valide (un substitut isolé)</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="393"/>
        <source>Fix the file&apos;s encoding and load again.</source>
        <translation>Corrigez l’encodage du fichier et chargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/summary_reads.py" line="92"/>
        <source>holds {kind} values, not text: plates would lose leading zeros and letters.</source>
        <translation>contient des valeurs {kind}, pas du texte : les plaques perdraient leurs zéros initiaux et leurs lettres.</translation>
    </message>
    <message>
        <location filename="../core/summary_reads.py" line="92"/>
        <source>Load the export with alpr:loadreads (it keeps plates as text), or choose the field of plates.</source>
        <translation>Chargez l’export avec alpr:loadreads (il garde les plaques en texte), ou choisissez le champ des plaques.</translation>
    </message>
    <message>
        <location filename="../core/timezones.py" line="35"/>
        <source>TIMEZONE &quot;{name}&quot; is not an IANA time-zone name.</source>
        <translation>TIMEZONE « {name} » n’est pas un nom de fuseau horaire IANA.</translation>
    </message>
    <message>
        <location filename="../core/timezones.py" line="35"/>
        <source>Use a name such as America/Los_Angeles, or leave it empty.</source>
        <translation>Utilisez un nom comme America/Los_Angeles, ou laissez-le vide.</translation>
    </message>
    <message>
        <location filename="../core/tracks.py" line="102"/>
        <source>holds no date-time values</source>
        <translation>ne contient aucune date et heure</translation>
    </message>
    <message>
        <location filename="../core/tracks.py" line="102"/>
        <source>Choose the field with the read times as TIME_FIELD</source>
        <translation>Choisissez comme TIME_FIELD le champ des heures de lecture</translation>
    </message>
    <message>
        <location filename="../core/tracks.py" line="94"/>
        <source>holds numbers, not date-time values</source>
        <translation>contient des nombres, pas des dates et heures</translation>
    </message>
    <message>
        <location filename="../qgis_io/boundary.py" line="42"/>
        <source>A {name} polygon cannot be projected to {crs}: {error}</source>
        <translation>Un polygone de {name} ne peut pas être projeté en {crs} : {error}</translation>
    </message>
    <message>
        <location filename="../qgis_io/boundary.py" line="52"/>
        <source>{name} has no polygon with an area.</source>
        <translation>{name} n’a aucun polygone ayant une surface.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/heatmap.py" line="174"/>
        <source>Layer &quot;{layer}&quot; has no CRS</source>
        <translation>La couche « {layer} » n’a pas de SCR</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/heatmap.py" line="174"/>
        <source>Set the layer&apos;s CRS so distances can be measured.</source>
        <translation>Définissez le SCR de la couche pour que les distances puissent être mesurées.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="106"/>
        <source>Layer &quot;{layer}&quot; has no features</source>
        <translation>La couche « {layer} » n’a aucune entité</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="106"/>
        <source>Give INPUT a layer with points.</source>
        <translation>Donnez à INPUT une couche de points.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="115"/>
        <source>Layer &quot;{layer}&quot;: none of its {count} features has a geometry</source>
        <translation>Couche « {layer} » : aucune de ses {count} entités n’a de géométrie</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="115"/>
        <source>Give INPUT a layer with located points.</source>
        <translation>Donnez à INPUT une couche de points localisés.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="220"/>
        <source>None of the points could be projected to {crs}</source>
        <translation>Aucun des points n’a pu être projeté en {crs}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="319"/>
        <source>has no CRS, and its coordinates are not longitudes and latitudes.</source>
        <translation>n’a pas de SCR, et ses coordonnées ne sont pas des longitudes et latitudes.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/summary.py" line="319"/>
        <source>Set the layer's CRS (Layer Properties → Source) and run again.</source>
        <translation>Définissez le SCR de la couche (Propriétés de la couche → Source) et relancez.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="96"/>
        <source>The authentication configuration {authcfg} of {connection} could not be used</source>
        <translation>La configuration d’authentification {authcfg} de {connection} n’a pas pu être utilisée</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="96"/>
        <source>Check it in QGIS&apos;s Authentication settings.</source>
        <translation>Vérifiez-la dans les paramètres d’authentification de QGIS.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="130"/>
        <source>psycopg2 is not installed</source>
        <translation>psycopg2 n’est pas installé</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="231"/>
        <source>Could not connect to {connection}: {reason}</source>
        <translation>Impossible de se connecter à {connection} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="231"/>
        <source>Check the host, port, database name and credentials.</source>
        <translation>Vérifiez l’hôte, le port, le nom de la base et les identifiants.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="248"/>
        <source>{connection}: {reason}</source>
        <translation>{connection} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="220"/>
        <source>QGIS&apos;s PostgreSQL provider is not available</source>
        <translation>Le fournisseur PostgreSQL de QGIS n’est pas disponible</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="240"/>
        <source>{connection}: this step binds values, which needs python3-psycopg2</source>
        <translation>{connection} : cette étape lie des valeurs, ce qui demande python3-psycopg2</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="207"/>
        <source>Install python3-psycopg2 (Debian) and run again.</source>
        <translation>Installez python3-psycopg2 (Debian) et relancez.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="286"/>
        <source>{connection} has no PostGIS extension</source>
        <translation>{connection} n’a pas l’extension PostGIS</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="286"/>
        <source>Ask its administrator to run CREATE EXTENSION postgis in that database.</source>
        <translation>Demandez à son administrateur d’exécuter CREATE EXTENSION postgis dans cette base.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="207"/>
        <source>Writing {table} in bulk needs python3-psycopg2</source>
        <translation>L’écriture en bloc de {table} demande python3-psycopg2</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="339"/>
        <source>{table} already exists</source>
        <translation>{table} existe déjà</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="339"/>
        <source>Choose another table name or allow replacing it.</source>
        <translation>Choisissez un autre nom de table ou autorisez son remplacement.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="467"/>
        <source>{table}: the server refused the value ({code})</source>
        <translation>{table} : le serveur a refusé la valeur ({code})</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="473"/>
        <source>Could not write {table}: {reason}</source>
        <translation>Impossible d’écrire {table} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/report_io.py" line="159"/>
        <source>{parameter} (&quot;{layer}&quot;) has no field &quot;reason&quot;: it is not the REJECTED output of alpr:cleanreads.</source>
        <translation>{parameter} (« {layer} ») n’a pas de champ « reason » : ce n’est pas la sortie REJECTED d’alpr:cleanreads.</translation>
    </message>
    <message>
        <location filename="../qgis_io/report_io.py" line="159"/>
        <source>Give the rejected layer written by alpr:cleanreads, or leave REJECTED empty.</source>
        <translation>Donnez la couche des rejets écrite par alpr:cleanreads, ou laissez REJECTED vide.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="41"/>
        <source>cannot be placed on the Earth in its CRS.</source>
        <translation>ne peut pas être placé sur la Terre dans son SCR.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="61"/>
        <source>holds no usable polygon.</source>
        <translation>ne contient aucun polygone utilisable.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="61"/>
        <source>Choose the jurisdiction&apos;s polygon layer.</source>
        <translation>Choisissez la couche des polygones de la juridiction.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="197"/>
        <source>&quot;{name}&quot; is not an IANA time-zone name.</source>
        <translation>« {name} » n’est pas un nom de fuseau horaire IANA.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="197"/>
        <source>Use a name such as America/Los_Angeles, or leave TIMEZONE empty.</source>
        <translation>Utilisez un nom comme America/Los_Angeles, ou laissez TIMEZONE vide.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="178"/>
        <source>{connection}: the keyed ids could not be made with pgcrypto</source>
        <translation>{connection} : les identifiants à clé n’ont pas pu être calculés avec pgcrypto</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="381"/>
        <source>pgcrypto is not available in {connection}</source>
        <translation>pgcrypto n’est pas disponible dans {connection}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/anonymize.py" line="381"/>
        <source>Install PostgreSQL&apos;s contrib extensions and run CREATE EXTENSION pgcrypto as a database owner.</source>
        <translation>Installez les extensions contrib de PostgreSQL et exécutez CREATE EXTENSION pgcrypto en tant que propriétaire de la base.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="328"/>
        <source>{table}: field {field} holds integers, then fractions</source>
        <translation>{table} : le champ {field} contient des entiers, puis des nombres décimaux</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/source.py" line="58"/>
        <source>{table} does not exist or has no columns</source>
        <translation>{table} n’existe pas ou n’a aucune colonne</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/source.py" line="83"/>
        <source>{table} has no field {field} (parameter {parameter})</source>
        <translation>{table} n’a pas de champ {field} (paramètre {parameter})</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/source.py" line="83"/>
        <source>Choose the field that holds it, or load the reads again.</source>
        <translation>Choisissez le champ qui la contient, ou chargez de nouveau les lectures.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/source.py" line="93"/>
        <source>{table} has no geometry column</source>
        <translation>{table} n’a pas de colonne de géométrie</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/source.py" line="93"/>
        <source>Load the reads with alpr:loadreads, which makes one.</source>
        <translation>Chargez les lectures avec alpr:loadreads, qui en crée une.</translation>
    </message>
</context>
</TS>
