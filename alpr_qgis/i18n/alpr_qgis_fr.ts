<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AlprAlgorithm</name>
    <message>
        <location filename="../algorithms/base.py" line="54"/>
        <source>Cancelled: nothing more was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AnonymizePlatesAlgorithm</name>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="66"/>
        <source>Anonymize plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="72"/>
        <source>alpr,anpr,lpr,plate,anonymize,anonymise,pseudonymize,hash,hmac,privacy,publish,release</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="77"/>
        <source>&lt;p&gt;Makes a layer of reads fit to publish: every plate is replaced by &lt;i&gt;plate_id&lt;/i&gt;, other fields that still hold a row's plate are cleared, and time and place can be coarsened. The features and all other fields are kept.&lt;/p&gt;&lt;p&gt;&lt;b&gt;METHOD&lt;/b&gt;: &lt;i&gt;hmac&lt;/i&gt; (default) — keyed HMAC-SHA256 of the normalised plate, 64 hexadecimal characters: the same plate gets the same id within a run and across runs with the same key, so releases can be linked; &lt;i&gt;token&lt;/i&gt; — a random 22-character URL-safe token per plate, the same within this run only; &lt;i&gt;drop&lt;/i&gt; — no id at all.&lt;/p&gt;&lt;p&gt;Plates are normalised before they are hashed (upper case, spaces, dashes and dots removed), so &quot;6trm 913&quot; and &quot;6TRM-913&quot; are one vehicle. Empty plates get no id.&lt;/p&gt;&lt;p&gt;&lt;b&gt;KEY&lt;/b&gt; or &lt;b&gt;KEY_FILE&lt;/b&gt;: the secret of the keyed hash. Prefer KEY_FILE (a file holding the secret; a trailing line break is ignored): QGIS records plain parameter values in its processing history and in models, so a KEY typed here is stored in clear text. With neither, a random key is used once and never stored: ids then cannot be linked to any other release. Never publish an unkeyed hash of plates (plain SHA-256 or MD5): there are so few possible plates that anyone can hash them all and reverse it. The key is never written anywhere by this plugin.&lt;/p&gt;&lt;p&gt;&lt;b&gt;TIME_PRECISION&lt;/b&gt; (keep, minute, hour, day) floors read times; &lt;b&gt;LOCATION_PRECISION_M&lt;/b&gt; (metres, 0 = keep) moves every read to the centre of its grid cell of that size (measured in the local UTM zone for layers in degrees).&lt;/p&gt;&lt;p&gt;&lt;b&gt;EXTRA_PLATE_FIELDS&lt;/b&gt;: other fields holding plates; they are removed. Any other text field whose value contains the row's plate (for example an image file name IMG_..._6TRM913.jpg) is found, reported by name and count, and cleared.&lt;/p&gt;&lt;p&gt;&lt;b&gt;AUDIT&lt;/b&gt; (re-identification audit): each vehicle's trail is the set of its (place, time) points as released. For k = 1, 2, 3 and 4 known sightings, k points of each vehicle's trail are drawn at random (fixed seed) and the vehicle counts as &lt;i&gt;unique&lt;/i&gt; when no other vehicle's trail holds all k. The table gives, per k, the vehicles with at least k points, how many are unique and the share: the share of cars an adversary who saw a car k times could single out and follow through the release. Coarser time and place lower it; publish when it is low enough for your purpose.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:anonymizeplates -- INPUT=clean.gpkg KEY_FILE=/secure/alpr.key TIME_PRECISION=hour LOCATION_PRECISION_M=200 OUTPUT=public.gpkg AUDIT=audit.csv&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="114"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="114"/>
        <source>Reads to publish, e.g. the clean output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="118"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="118"/>
        <source>The text field holding the plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="129"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="131"/>
        <source>hmac: keyed hash (linkable with the same key); token: random per run; drop: no id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="132"/>
        <source>Secret key (prefer a key file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="132"/>
        <source>Stored in clear text in QGIS&apos;s history: use KEY_FILE for real releases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="136"/>
        <source>Key file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="136"/>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="136"/>
        <source>A file holding the secret key for the keyed hash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="142"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="142"/>
        <source>The date-time field to coarsen and audit (default: read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="154"/>
        <source>Time precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="158"/>
        <source>Floor read times to the minute, hour or day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="159"/>
        <source>Location precision (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="159"/>
        <source>Snap reads to the centre of a grid of this size in metres; 0 keeps them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="169"/>
        <source>Other fields holding plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="169"/>
        <source>Removed from the output.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="179"/>
        <source>Anonymized reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="182"/>
        <source>Re-identification audit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="185"/>
        <source>Reads written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="186"/>
        <source>Distinct plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="187"/>
        <source>Other values cleared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="189"/>
        <source>Share of vehicles unique after {} sightings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="210"/>
        <source>KEY is stored in clear text in QGIS&apos;s processing history and in models; use KEY_FILE for real releases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="217"/>
        <source>No key given: a random one-time key was used and discarded; these ids cannot be linked to any other release.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="253"/>
        <source>Field {} held the row&apos;s plate in {} values: cleared.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="257"/>
        <source>Removed fields: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="269"/>
        <source>No time field {}: times were not coarsened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="277"/>
        <source>Locations snapped to a {} m grid in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="297"/>
        <source>Audit: {} known sightings single out {} of {} vehicles ({:.1%}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="321"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="325"/>
        <source>{} reads of {} plates anonymized with {} ({} characters).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CleanReadsAlgorithm</name>
    <message>
        <location filename="../algorithms/clean_reads.py" line="53"/>
        <source>Remove misreads and null-island points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="59"/>
        <source>alpr,anpr,lpr,plate,misread,clean,sign,null island,duplicate,government</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="62"/>
        <source>&lt;p&gt;Separates trustworthy reads from misreads and unusable locations. Every read lands in exactly one output: &lt;b&gt;OUTPUT&lt;/b&gt; (clean reads) or &lt;b&gt;REJECTED&lt;/b&gt; (with the reason); CLEAN_COUNT + REJECTED_COUNT = the input's features.&lt;/p&gt;&lt;p&gt;Plates are first normalised: upper case, spaces, dashes and dots removed (&quot;6trm-913&quot; is tested as 6TRM913, &quot;ONE WAY&quot; as ONEWAY). The rules, in the order that picks the primary &lt;i&gt;reason&lt;/i&gt; (all failing rules are listed in &lt;i&gt;reasons&lt;/i&gt;):&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;empty_plate&lt;/b&gt;: no plate text.&lt;/li&gt;&lt;li&gt;&lt;b&gt;invalid_chars&lt;/b&gt;: characters other than letters and digits.&lt;/li&gt;&lt;li&gt;&lt;b&gt;sign_word&lt;/b&gt;: road, traffic or business sign text read as a plate (CROSSWALK, CAUTION, PARKING, ONE WAY, TOW AWAY, STOP, YIELD, SCHOOL…), recognised through OCR confusions (0/O, 1/I/L, 5/S, 8/B, 2/Z, 6/G, CJ/O, M/N…), a dropped or added first or last letter and truncation at the reader's length limit: CAUT10N, CAUTIC1N, ROSSWALK, CROSSWAL, PARKIMG. Words of four letters or fewer must match whole and text with more than two digits is never a sign, so plates that merely contain a word (CAT123, STOP4ME) stay clean. &lt;i&gt;detail&lt;/i&gt; names the word. Add words with EXTRA_SIGN_WORDS (comma-separated).&lt;/li&gt;&lt;li&gt;&lt;b&gt;overlength&lt;/b&gt;: longer than MAX_PLATE_LENGTH characters (7 by default).&lt;/li&gt;&lt;li&gt;&lt;b&gt;government&lt;/b&gt;: matches GOVERNMENT_PATTERN (a regular expression, seven digits by default: California's exempt plates) — only when EXCLUDE_GOVERNMENT is checked. Otherwise such reads stay clean with &lt;i&gt;is_government&lt;/i&gt; = true.&lt;/li&gt;&lt;li&gt;&lt;b&gt;invalid_location&lt;/b&gt;: latitude beyond ±90 or longitude beyond ±180 (layers in a projected CRS are converted to degrees first).&lt;/li&gt;&lt;li&gt;&lt;b&gt;null_geometry&lt;/b&gt;: the read has no location.&lt;/li&gt;&lt;li&gt;&lt;b&gt;null_island&lt;/b&gt;: within NULL_ISLAND_TOLERANCE degrees of 0,0, where reads without coordinates end up.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Plates that arrived hashed (hex or base64 text of one length, 16 or more) skip the plate-text rules; PLATES_HASHED and the log say so.&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEDUP_SECONDS&lt;/b&gt; (0 = off): a read of the same plate by the same device within that many seconds of its previous read is flagged &lt;i&gt;is_duplicate&lt;/i&gt; (a parked patrol car re-reading its neighbour inflates every count) — flagged, not removed.&lt;/p&gt;&lt;p&gt;Outputs: clean reads with every input field plus is_government and is_duplicate; rejected reads with every input field plus reason, reasons and detail; counts CLEAN_COUNT, REJECTED_COUNT, DUPLICATE_COUNT, GOVERNMENT_READS and one per reason (EMPTY_PLATE_COUNT, INVALID_CHARS_COUNT, SIGN_WORD_COUNT, OVERLENGTH_COUNT, GOVERNMENT_COUNT, INVALID_LOCATION_COUNT, NULL_GEOMETRY_COUNT, NULL_ISLAND_COUNT).&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:cleanreads -- INPUT=reads.gpkg OUTPUT=clean.gpkg REJECTED=misreads.gpkg DEDUP_SECONDS=60&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="104"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="104"/>
        <source>ALPR reads, e.g. the output of alpr:loadreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="108"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="108"/>
        <source>The text field holding the plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="119"/>
        <source>Maximum plate length (characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="119"/>
        <source>Longer plates (spaces and dashes not counted) are overlength misreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="129"/>
        <source>Extra sign words (comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="129"/>
        <source>More sign or business text to treat as misreads, e.g. PIZZA, OPEN HOUSE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="135"/>
        <source>Null-island tolerance (degrees)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="135"/>
        <source>Reads within this many degrees of 0,0 are null-island points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="146"/>
        <source>Government plate pattern (regex)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="146"/>
        <source>A regular expression matching whole normalised plates of government vehicles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="153"/>
        <source>Exclude government plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="153"/>
        <source>Reject reads of government plates (reason government) instead of flagging them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="157"/>
        <source>Duplicate window (seconds, 0 = off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="157"/>
        <source>Flag re-reads of the same plate by the same device within this many seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="167"/>
        <source>Device field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="167"/>
        <source>Field naming the camera or car, for duplicate flagging (default: device).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="174"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="174"/>
        <source>Date-time field of the read, for duplicate flagging (default: read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="192"/>
        <source>Clean reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="193"/>
        <source>Rejected reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="195"/>
        <source>Reads rejected as {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="198"/>
        <source>Clean reads flagged duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="199"/>
        <source>Reads of government plates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="200"/>
        <source>Plates arrived hashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="221"/>
        <source>Reading reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="236"/>
        <source>The plates arrived hashed: plate-text rules are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="242"/>
        <source>Duplicate flagging needs the fields {} and {}; it was skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="248"/>
        <source>Applying the rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="270"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="300"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="304"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="305"/>
        <source>{} reads: {} clean, {} rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/clean_reads.py" line="308"/>
        <source>  {}: {}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeviceTracksAlgorithm</name>
    <message>
        <location filename="../algorithms/device_tracks.py" line="49"/>
        <source>Draw device tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="55"/>
        <source>alpr,anpr,lpr,device,camera,patrol,car,track,route,trajectory,line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="58"/>
        <source>&lt;p&gt;Joins each camera's reads, in time order, into lines: one line per device per continuous patrol, showing where each camera car drove and when.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Reads&lt;/b&gt; (INPUT): a point layer, e.g. the output of Load ALPR reads. The input order does not matter: reads are sorted by time within each device (reads with the same time keep their input order).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Device field&lt;/b&gt; (DEVICE_FIELD, default device) and &lt;b&gt;Time field&lt;/b&gt; (TIME_FIELD, default read_time): the camera or car, and the date-time of each read (a date-time field, or text such as 2014-07-20 08:01:02).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Maximum gap (minutes)&lt;/b&gt; (MAX_GAP_MINUTES, default 30): a pause longer than this between two reads of a device starts a new track (end of a shift, a trip out of town with the camera off).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Maximum speed (km/h)&lt;/b&gt; (MAX_SPEED_KMH, default 150): a jump between two consecutive reads faster than this (straight-line distance over time) also starts a new track — a GPS glitch or a camera moved to another car. Timestamps are whole seconds, so reads less than a second apart count as one second apart.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Leave out lone glitches&lt;/b&gt; (DROP_GLITCHES, default true): a single read reached by a jump too fast and left by another, between two reads the car could have driven between — a GPS error, a point at 0,0 — is left out (GLITCH_COUNT) and the track goes on. When false, it breaks the track in three like any jump.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Tracks&lt;/b&gt; (OUTPUT, in the input's CRS): track_id, device, start_time, end_time, read_count, length_m (the sum of the straight steps between consecutive reads, in metres, measured in the local UTM zone — or in the layer's CRS when it is projected in metres), duration_min, start_reason (device_start, gap or speed: why the track begins), first_read_id and last_read_id (null when the reads have no read_id). The line's vertices are the reads, in time order.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Counts&lt;/b&gt;: TRACK_COUNT lines, DEVICE_COUNT devices, SINGLE_READ_COUNT reads that form a track of their own (a read isolated by gaps or jumps on both sides: counted, not drawn, since a line needs two points) and SKIPPED_COUNT reads without geometry, time or device. Guarantee: the read_count total + SINGLE_READ_COUNT + GLITCH_COUNT + SKIPPED_COUNT = the reads in INPUT.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:devicetracks -- INPUT=reads.gpkg MAX_GAP_MINUTES=30 MAX_SPEED_KMH=150 OUTPUT=tracks.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="94"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="97"/>
        <source>Point layer of reads with a device and a time field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="99"/>
        <source>Device field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="102"/>
        <source>Field naming the camera or patrol car (default device).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="104"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="107"/>
        <source>Field holding each read&apos;s date and time (default read_time).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="109"/>
        <source>Maximum gap (minutes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="112"/>
        <source>A longer pause between two reads of a device starts a new track.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="114"/>
        <source>Maximum speed (km/h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="117"/>
        <source>A faster jump between two consecutive reads starts a new track.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="120"/>
        <source>Leave out lone glitches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="121"/>
        <source>Leave out a single read that jumps away and straight back (GPS error) instead of splitting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="126"/>
        <source>Device tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="129"/>
        <source>Tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="130"/>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="131"/>
        <source>One-read tracks (not drawn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="132"/>
        <source>Glitches left out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="133"/>
        <source>Reads without geometry, time or device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="145"/>
        <source>MAX_GAP_MINUTES must be more than 0 (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="147"/>
        <source>MAX_SPEED_KMH must be more than 0 (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="151"/>
        <source>INPUT has no field &quot;{}&quot;. Its fields are: {}. Choose the right {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="157"/>
        <source>DEVICE_FIELD and TIME_FIELD are the same field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="178"/>
        <source>INPUT has no reads: the layer is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="185"/>
        <source>INPUT has no CRS: set the layer&apos;s CRS so distances can be measured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="188"/>
        <source>Distances and speeds measured in {} ({}); the tracks stay in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="212"/>
        <source>None of the {} reads has a location, a time (field &quot;{}&quot;) and a device (field &quot;{}&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="223"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="260"/>
        <source>{} tracks from {} devices, {:.1f} km in all; {} reads on lines.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="266"/>
        <source>Tracks starting after a gap: {}, after a jump too fast: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="272"/>
        <source>{} lone reads that jump away and straight back left out as glitches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="276"/>
        <source>{} reads form a track of their own (not drawn: a line needs two reads).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="283"/>
        <source>{} reads skipped: {} without geometry, {} without time, {} without device.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/device_tracks.py" line="289"/>
        <source>{} reads could not be projected to measure distances (skipped, counted as without geometry).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HeatmapAlgorithm</name>
    <message>
        <location filename="../algorithms/heatmap.py" line="49"/>
        <source>Make a heatmap (kernel density)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="55"/>
        <source>alpr,anpr,lpr,heatmap,heat map,kde,kernel density,density,hotspot,raster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="106"/>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="106"/>
        <source>Point layer, e.g. reads; points without geometry are skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="112"/>
        <source>Radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="112"/>
        <source>Kernel radius (search distance), in metres whatever the layer&apos;s CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="118"/>
        <source>Pixel size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="118"/>
        <source>Width and height of a raster cell, in metres.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Kernel shape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Quartic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Triangular</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Uniform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Triweight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>Epanechnikov</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="124"/>
        <source>QGIS&apos;s kernel shapes, in QGIS&apos;s order; quartic is QGIS&apos;s default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="140"/>
        <source>Decay ratio (triangular kernel only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="140"/>
        <source>Kernel height at the radius relative to the centre, for the triangular kernel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="153"/>
        <source>Weight from field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="153"/>
        <source>Numeric field multiplying each point&apos;s kernel; empty weights count as 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="165"/>
        <source>Output values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="165"/>
        <source>Raw</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="165"/>
        <source>Scaled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="165"/>
        <source>Raw kernel sums, or scaled by QGIS&apos;s normalising constants (density per square metre).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="171"/>
        <source>Extent (default: the points&apos; extent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="171"/>
        <source>Area to map; it is grown by the radius, and points outside the grown area are left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="175"/>
        <source>Heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="176"/>
        <source>Points used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="177"/>
        <source>Largest value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="217"/>
        <source>{} points without geometry skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="228"/>
        <source>Mapping the extent {:.1f}, {:.1f} : {:.1f}, {:.1f} ({}), grown by the radius.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="236"/>
        <source>Raster of {} × {} cells of {} m, radius {} m, {} kernel, {} values.</source>
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
    <message>
        <location filename="../algorithms/heatmap.py" line="317"/>
        <source>Projected to {} ({}) for metres; the heatmap is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="325"/>
        <source>{} points could not be projected to {} and are left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="58"/>
        <source>&lt;p&gt;Makes a kernel-density heatmap of points (e.g. reads): the raster QGIS's own &lt;i&gt;Heatmap (Kernel Density Estimation)&lt;/i&gt; makes from the same points, many times faster on large inputs.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Points&lt;/b&gt; (INPUT): a point layer. Points without geometry are skipped; each part of a multipoint counts, as in QGIS's heatmap.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Radius (m)&lt;/b&gt; (RADIUS): how far each point spreads, in metres whatever the layer's CRS. &lt;b&gt;Pixel size (m)&lt;/b&gt; (PIXEL_SIZE): the raster's cell size, in metres.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Kernel shape&lt;/b&gt; (KERNEL, advanced): quartic (default), triangular, uniform, triweight or Epanechnikov, QGIS's kernels in QGIS's order. &lt;b&gt;Decay ratio&lt;/b&gt; (DECAY, advanced): triangular kernel only; 0 falls to zero at the radius, 1 is flat, negative values go below zero towards the rim. &lt;b&gt;Weight field&lt;/b&gt; (WEIGHT_FIELD, advanced): a numeric field multiplying each point's kernel; an empty (null) weight counts as 0, as in QGIS. &lt;b&gt;Output values&lt;/b&gt; (OUTPUT_VALUE): raw (a sum of kernel heights: 1 at a lone point) or scaled (QGIS's normalising constants, per square metre).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Extent&lt;/b&gt; (EXTENT, optional): the area to map instead of the points' extent; given with a CRS it is reprojected, without one it is read in the output CRS. Like the points' extent it is grown by the radius on every side, and points outside the grown extent are left out, so inside the extent the density is complete, and in the band around it only the points in the band count. The raster is a window on the larger one: a point near its edge keeps its cells inside (its block is clipped, not dropped or shifted as QGIS would at its own raster's edge).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Metres&lt;/b&gt;: a layer in a geographic CRS (or in feet) is projected to the WGS 84 UTM zone of the centre of its extent (EPSG:326xx north, 327xx south) and the heatmap is in that CRS, named in the log; a layer in metres keeps its CRS.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Heatmap&lt;/b&gt; (OUTPUT): a Float32 GeoTIFF. Its grid is QGIS's: the extent grown by the radius, top-left origin, rows = ceil(height / pixel) + 1 and the same for columns. Cells no point reaches are no-data (−9999). A style (transparent at 0, then a perceptual 'inferno' ramp up to the largest value) is saved as a .qml beside it, so the raster opens styled in QGIS. POINT_COUNT: points used; MAXIMUM: largest value.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Guarantee&lt;/b&gt;: for the same points in the same projected CRS, radius, pixel size, kernel, decay, weights and output values, the raster has the width, height, geotransform, CRS and no-data cells of QGIS's heatmap, and every value is within 1 % of the raster's largest value of QGIS's (under 0.3 % in the tests, 0.06 % on the benchmark data; QGIS itself rounds every addition to single precision). QGIS's quirks are kept: y distances are measured from a pixel centre mirrored within the pixel, a cell exactly one radius away is 0 rather than no-data, and a point whose block of cells does not fit in the raster (a tiny extent) is left out. Small inputs and small radii are computed point by point as QGIS does; otherwise the uniform and Epanechnikov kernels exactly, row by row (work: points × radius), and the quartic and triweight kernels by one FFT convolution of the points spread over the pixels around them (work: points + pixels), where QGIS's work grows with points × radius².&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:heatmap -- INPUT=clean.gpkg RADIUS=300 PIXEL_SIZE=10 OUTPUT=heatmap.tif&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HotspotsAlgorithm</name>
    <message>
        <location filename="../algorithms/hotspots.py" line="51"/>
        <source>Find hotspots (Getis-Ord Gi*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="57"/>
        <source>alpr,anpr,lpr,hotspot,cold spot,getis,ord,gi*,hexagon,hex,grid,cluster,statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="60"/>
        <source>&lt;p&gt;Counts the reads in a grid of hexagons and finds where counts are significantly high (hot spots) or low (cold spots) with the Getis-Ord Gi* statistic.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Reads&lt;/b&gt; (INPUT): a point layer, e.g. the output of Load ALPR reads or Remove misreads. Reads without geometry are skipped and counted (SKIPPED_COUNT).&lt;/p&gt;&lt;p&gt;&lt;b&gt;Hexagon size (m)&lt;/b&gt; (CELL_SIZE): the distance between opposite edges of a hexagon, in metres whatever the layer's CRS.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Distance band (m)&lt;/b&gt; (DISTANCE_BAND): hexagons whose centres are at most this far apart are neighbours (binary weights, the hexagon itself included). Neighbouring centres are CELL_SIZE apart, the next ring 1.73 × and 2 × CELL_SIZE: a band of twice the cell size gives each inner hexagon 18 neighbours.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Boundary&lt;/b&gt; (BOUNDARY, optional): polygons the grid covers, e.g. the city limits; every hexagon that overlaps them is kept. Without it the grid covers the extent of the reads. Hexagons without reads take part with a count of 0.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Metres&lt;/b&gt;: a layer in a geographic CRS (or in feet) is projected to its local UTM zone (from the median position of the reads, or the centre of the boundary); the output is in that CRS, named in the log. The grid is anchored at the CRS origin, so the same cell size always gives the same hexagons.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Hexagons&lt;/b&gt; (OUTPUT): read_count, gi_z (the Gi* z-score), gi_p (two-sided p-value, normal distribution), hotspot_class (3, 2, 1: hot spot at 99, 95, 90 % confidence; −1, −2, −3: cold spot; 0: not significant), hotspot_label (e.g. Hot spot (99 %)) and neighbour_count (hexagons in the band, itself included). Styled red for hot, blue for cold. Where Gi* is undefined (every count equal, or every hexagon in every band) z is 0 and the hexagon is not significant.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Counts&lt;/b&gt;: HOT_COUNT and COLD_COUNT hexagons (any confidence), CELL_COUNT hexagons, SKIPPED_COUNT reads without geometry, OUTSIDE_COUNT reads in no hexagon of the grid (beyond the boundary). Guarantee: the read_count total + OUTSIDE_COUNT + SKIPPED_COUNT = the reads in INPUT.&lt;/p&gt;&lt;p&gt;p-values are not corrected for multiple testing, and reads are not independent (a few cars drive them): read significance as a guide to where patrols concentrate, not as proof.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:hotspots -- INPUT=clean.gpkg CELL_SIZE=500 DISTANCE_BAND=1000 BOUNDARY=city.gpkg|layername=city_boundary OUTPUT=hotspots.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="97"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="100"/>
        <source>Point layer of reads; reads without geometry are skipped and counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="102"/>
        <source>Hexagon size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="105"/>
        <source>Distance between opposite edges of a hexagon, in metres.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="107"/>
        <source>Distance band (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="110"/>
        <source>Hexagons whose centres are at most this many metres apart are neighbours in Gi*. Use at least the hexagon size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="117"/>
        <source>Boundary (the grid covers it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="123"/>
        <source>Polygons to cover with hexagons, e.g. the city limits; empty: the reads&apos; extent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="125"/>
        <source>Hotspots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="128"/>
        <source>Hot-spot hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="129"/>
        <source>Cold-spot hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="130"/>
        <source>Hexagons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="131"/>
        <source>Reads without geometry (skipped)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="132"/>
        <source>Reads outside the grid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="139"/>
        <source>CELL_SIZE must be more than 0 m (got {}). It is the distance between opposite edges.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="145"/>
        <source>DISTANCE_BAND must be more than 0 m (got {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="164"/>
        <source>INPUT has no reads: the layer is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="168"/>
        <source>None of the {} reads in INPUT has a location (all geometries are null).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="172"/>
        <source>{} reads without geometry skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="174"/>
        <source>INPUT has no CRS: set the layer&apos;s CRS so distances can be measured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="189"/>
        <source>Projected to {} ({}) for metres; the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="197"/>
        <source>{} reads could not be projected to {} and count as outside the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="212"/>
        <source>BOUNDARY covers no hexagon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="216"/>
        <source>None of the reads could be projected to {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="221"/>
        <source>{} hexagons of {} m (edge to edge), distance band {} m.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="225"/>
        <source>DISTANCE_BAND ({} m) is smaller than CELL_SIZE ({} m): every hexagon is its own only neighbour, and Gi* only compares each count with the mean.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="248"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="254"/>
        <source>Neighbours per hexagon (itself included): {} to {}, median {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="260"/>
        <source>DISTANCE_BAND covers the whole grid: Gi* is undefined and every hexagon is not significant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="264"/>
        <source>{} reads fall outside the grid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="284"/>
        <source>{} hexagons: {} hot spots ({} at 99 %), {} cold spots ({} at 99 %).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="303"/>
        <source>The grid would need about {} hexagons of {} m to cover {:.1f} km × {:.1f} km (at most {}). Choose a larger CELL_SIZE or a BOUNDARY, or remove far-off reads (e.g. points at 0,0: run Remove misreads first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="329"/>
        <source>A BOUNDARY polygon cannot be projected to {}: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/hotspots.py" line="338"/>
        <source>BOUNDARY has no polygon with an area.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinCensusAlgorithm</name>
    <message>
        <location filename="../algorithms/join_census.py" line="72"/>
        <source>Join census layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="78"/>
        <source>alpr,anpr,lpr,plate,census,tract,zip,population,income,race,disparity,equity,exposure,correlation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="83"/>
        <source>&lt;p&gt;Whom do the cameras watch? Counts the reads in each census unit (tract, block group, ZIP code) and compares the read rate with the units' population and attributes.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Spatial join&lt;/b&gt; (default): &lt;b&gt;CENSUS&lt;/b&gt; is a polygon layer; each read is counted in the unit it falls in (on a border shared by two units: the first of them). Layers in different CRSs are fine (the reads are transformed to the census layer's CRS); invalid polygons are repaired and reported by feature id. &lt;b&gt;Key join&lt;/b&gt;: for reads already coded by tract or ZIP, set &lt;b&gt;READ_KEY_FIELD&lt;/b&gt; (on the reads) and &lt;b&gt;CENSUS_KEY_FIELD&lt;/b&gt; (on the census layer, which may be a table without geometry). Keys are compared as text: spaces trimmed, case ignored, 98036.0 read as 98036, and leading zeros of all-digit keys ignored (&quot;06001480100&quot; = 6001480100, ZIP &quot;02134&quot; = 2134).&lt;/p&gt;&lt;p&gt;&lt;b&gt;POPULATION_FIELD&lt;/b&gt;: residents per unit. &lt;b&gt;ATTRIBUTES&lt;/b&gt;: numeric fields to compare with the read rate (per-capita income, residents by race…). &lt;b&gt;ATTRIBUTES_ARE_COUNTS&lt;/b&gt;: the attributes count people (each is divided by the population before correlating, and their exposure is computed). &lt;b&gt;MIN_POPULATION&lt;/b&gt; (default 100): smaller units, and units without population, get null population-based fields and stay out of the statistics (a port with 50 residents and 500 reads would otherwise dominate them); they are counted in SMALL_UNIT_COUNT. Text fields holding numbers are accepted; other text is an error naming the feature and the value.&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT&lt;/b&gt;: the census units with all their fields plus &lt;i&gt;read_count&lt;/i&gt;, &lt;i&gt;reads_per_km2&lt;/i&gt; (area on the ellipsoid; every unit with an area), &lt;i&gt;reads_per_1000&lt;/i&gt; (per 1,000 residents), &lt;i&gt;read_share&lt;/i&gt; and &lt;i&gt;pop_share&lt;/i&gt; (shares of the reads and of the residents over the units compared) and &lt;i&gt;disparity&lt;/i&gt; = read_share ÷ pop_share (1 = the average rate, 2 = twice it), styled as a diverging map centred on 1 (grey: no rate). &lt;b&gt;OUTPUT_STATS&lt;/b&gt;: one row per attribute and rate basis (&lt;i&gt;per_1000&lt;/i&gt;; &lt;i&gt;per_km2&lt;/i&gt; too when the units have areas) with &lt;i&gt;spearman&lt;/i&gt;, &lt;i&gt;spearman_p&lt;/i&gt;, &lt;i&gt;pearson&lt;/i&gt;, &lt;i&gt;pearson_p&lt;/i&gt; and &lt;i&gt;n&lt;/i&gt; (units compared, including units without reads, rate 0), and, for count attributes, &lt;i&gt;exposure_per_1000&lt;/i&gt; (the read rate where the group's members live, weighted by their number) and &lt;i&gt;exposure_ratio&lt;/i&gt; (that over the overall rate). Exposure avoids the small-denominator trap of per-unit rates. &lt;b&gt;SUMMARY&lt;/b&gt;: one sentence on the strongest relation, also in the log.&lt;/p&gt;&lt;p&gt;Counts: READ_COUNT = MATCHED_COUNT (reads in a unit) + NO_UNIT_COUNT (in no unit, or a key matching none) + MISSING_LOCATION_COUNT (no location, spatial join); UNIT_COUNT, COMPARED_UNIT_COUNT, SMALL_UNIT_COUNT, SKIPPED_UNIT_COUNT (units without a usable polygon: null read_count); READS_PER_1000 over the units compared.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Caveats.&lt;/b&gt; The p-values are naive: neighbouring units are alike (spatial autocorrelation) and the reads come from a few patrol cars, not independent draws, so treat them as descriptive. Unit-level results say nothing about individuals (the ecological fallacy): a correlation with a group's share does not show that members of the group were read more. Census figures carry their own error margins, and a read records where a camera passed, not who lives there.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:joincensus -- INPUT=reads.gpkg CENSUS=city.gpkg|layername=census_tracts POPULATION_FIELD=population ATTRIBUTES=per_capita_income OUTPUT=census.gpkg OUTPUT_STATS=census_stats.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="133"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="133"/>
        <source>ALPR reads: points for a spatial join, or any table with READ_KEY_FIELD for a key join.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="211"/>
        <source>Census units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="139"/>
        <source>Census polygons (tracts, block groups, ZIP areas), or a table joined on CENSUS_KEY_FIELD.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="145"/>
        <source>Population field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="145"/>
        <source>Residents per unit (numeric; default: population).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="151"/>
        <source>Attributes to compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="151"/>
        <source>Numeric census fields correlated with the read rate, e.g. per_capita_income, pop_black.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="163"/>
        <source>Attributes count people (turn into shares)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="163"/>
        <source>Divide each attribute by the population before comparing, and report exposure per group.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="169"/>
        <source>Minimum population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="169"/>
        <source>Units with fewer residents get null rates and stay out of the statistics.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="179"/>
        <source>Read key field (key join)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="179"/>
        <source>For reads already coded by tract or ZIP: the field holding the code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="186"/>
        <source>Census key field (key join)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="186"/>
        <source>The census field matching READ_KEY_FIELD (e.g. geoid, zip).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="193"/>
        <source>Census units with read rates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="198"/>
        <source>Census statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="207"/>
        <source>Reads in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="208"/>
        <source>Reads in a census unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="209"/>
        <source>Reads in no census unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="210"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="212"/>
        <source>Units compared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="213"/>
        <source>Units below the minimum population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="214"/>
        <source>Units without a usable polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="215"/>
        <source>Reads per 1,000 residents overall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="216"/>
        <source>Strongest relation, in words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="242"/>
        <source>{} units compared; {:.1f} reads per 1,000 residents overall; no correlation to report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="246"/>
        <source>reads per 1,000 residents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="246"/>
        <source>reads per km²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="249"/>
        <source>a higher share of {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="249"/>
        <source>higher {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="255"/>
        <source>strong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="256"/>
        <source>moderate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="257"/>
        <source>weak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="258"/>
        <source>no clear relation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="260"/>
        <source>more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="260"/>
        <source>fewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="261"/>
        <source>Strongest relation: units with {} have {} {} (Spearman {:+.2f}, {}; n = {} units, naive p = {:.2g}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="267"/>
        <source>Where they live, {} residents see {:.2f}× the overall read rate, {} residents {:.2f}×.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="292"/>
        <source>Reading the census units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="316"/>
        <source>The census layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="319"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="350"/>
        <source>{} reads have no {}: counted in no unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="373"/>
        <source>{} reads could not be transformed to the census layer&apos;s CRS: in no unit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="376"/>
        <source>Finding the unit of each read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="389"/>
        <source>Rates and statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="405"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="429"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="435"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="436"/>
        <source>{} reads: {} in a census unit, {} in none, {} without a location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="441"/>
        <source>{} units: {} compared, {} below {} residents or without population, {} without a polygon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="447"/>
        <source>{} reads ({:.1%}) fall in no census unit: they are not in any rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="453"/>
        <source>  {} ({}): Spearman {:.3f} (p {:.2g}), Pearson {:.3f} (p {:.2g}), n {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="459"/>
        <source>    exposure: {:.1f} reads per 1,000 where they live, {:.2f}× the overall rate</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinCrimeAlgorithm</name>
    <message>
        <location filename="../algorithms/join_crime.py" line="56"/>
        <source>Compare reads with crime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="62"/>
        <source>alpr,anpr,lpr,plate,crime,incident,auto theft,stolen,correlation,spearman,hexagon,zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="67"/>
        <source>&lt;p&gt;Does the patrol follow crime? Counts reads and crimes in the same zones and correlates them.&lt;/p&gt;&lt;p&gt;&lt;b&gt;INPUT&lt;/b&gt;: reads (points). &lt;b&gt;CRIMES&lt;/b&gt;: incidents (points), in any CRS. &lt;b&gt;CATEGORY_FIELD&lt;/b&gt; and &lt;b&gt;CATEGORY_FILTER&lt;/b&gt;: keep only the crimes whose category matches the regular expression (case-insensitive, anywhere in the text), e.g. &lt;code&gt;VEHICLE|AUTO|PLATE&lt;/code&gt; for the auto-related crimes an ALPR is meant for; empty: every crime. &lt;b&gt;ZONES&lt;/b&gt; (optional): polygons (beats, tracts, neighbourhoods); reads and crimes are transformed to their CRS, a point on a border shared by two zones goes to the first. Without ZONES: flat-topped hexagons of &lt;b&gt;CELL_SIZE&lt;/b&gt; metres between opposite edges (default 500), in the reads&apos; CRS when it is in metres, else their local UTM zone; only hexagons holding a read or a crime are kept (many empty cells would make any two layers look alike).&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT&lt;/b&gt;: the zones (with their fields) or hexagons, with &lt;i&gt;read_count&lt;/i&gt;, &lt;i&gt;crime_count&lt;/i&gt; and &lt;i&gt;reads_per_crime&lt;/i&gt; (null where there is no crime). &lt;b&gt;OUTPUT_STATS&lt;/b&gt;: one row with &lt;i&gt;zone_count&lt;/i&gt;, &lt;i&gt;read_count&lt;/i&gt;, &lt;i&gt;crime_count&lt;/i&gt;, &lt;i&gt;spearman&lt;/i&gt;, &lt;i&gt;spearman_p&lt;/i&gt;, &lt;i&gt;pearson&lt;/i&gt;, &lt;i&gt;pearson_p&lt;/i&gt; (reads against crimes across the zones; null with fewer than three zones), &lt;i&gt;top_crime_zones&lt;/i&gt; (the 20 % of zones with the most crime, at least one), their share of the crimes (&lt;i&gt;top_crime_share&lt;/i&gt;) and of the reads (&lt;i&gt;top_crime_read_share&lt;/i&gt;): if patrols followed crime, the two would be alike. &lt;b&gt;SUMMARY&lt;/b&gt; says it in one sentence, also in the log.&lt;/p&gt;&lt;p&gt;Counts: READ_COUNT = the reads&apos; zone counts + READS_IN_NO_ZONE + MISSING_LOCATION_COUNT; CRIME_COUNT (crimes kept by the filter) = their zone counts + CRIMES_IN_NO_ZONE (or without a location); CRIMES_FILTERED_OUT; ZONE_COUNT; SPEARMAN; TOP_CRIME_READ_SHARE.&lt;/p&gt;&lt;p&gt;Caveats: recorded crime follows reporting and policing as much as crime itself, and p-values are naive (neighbouring zones are alike; the reads come from a few cars). Zones of very different sizes make raw counts hard to compare.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:joincrime -- INPUT=reads.gpkg CRIMES=city.gpkg|layername=crimes CATEGORY_FIELD=category CATEGORY_FILTER=&quot;VEHICLE|AUTO|PLATE&quot; CELL_SIZE=500 OUTPUT=crime.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="103"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="103"/>
        <source>ALPR reads, e.g. the output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="107"/>
        <source>Crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="107"/>
        <source>Crime incidents as points (e.g. the police department&apos;s open data).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="111"/>
        <source>Category field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="111"/>
        <source>The field holding each crime&apos;s category or offence (needed for CATEGORY_FILTER).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="117"/>
        <source>Category filter (regular expression)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="117"/>
        <source>Keep crimes whose category matches, case-insensitive, e.g. VEHICLE|AUTO|PLATE. Empty: all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="123"/>
        <source>Polygons to count in (beats, tracts…). Empty: hexagons of CELL_SIZE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="129"/>
        <source>Hexagon size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="129"/>
        <source>Distance between opposite edges of a hexagon, in metres (used without ZONES).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="139"/>
        <source>Zones with reads and crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="144"/>
        <source>Reads against crime: statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Reads in the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Crimes kept by the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Crimes left out by the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Reads in no zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Crimes in no zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Spearman correlation of reads and crimes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="153"/>
        <source>Share of reads in the top 20 % crime zones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="165"/>
        <source>Reads against crime, in words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="195"/>
        <source>Reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="215"/>
        <source>{} of {} crimes match {}: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="215"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="224"/>
        <source>No crime matches CATEGORY_FILTER: every crime count is 0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="228"/>
        <source>Counting reads and crimes per zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="245"/>
        <source>Hexagons built in {} (metres); the output is in this CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="256"/>
        <source>{} hexagons of {} m hold a read or a crime.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="265"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="289"/>
        <source>Internal error: reads or crimes counted twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="291"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="293"/>
        <source>The crimes layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="294"/>
        <source>{} reads ({} in no zone, {} without a location) and {} crimes ({} in no zone) in {} zones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="321"/>
        <source>Across {} zones, reads against crimes: Spearman {:+.2f} (naive p = {:.2g}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="325"/>
        <source>Across {} zones, no correlation of reads and crimes can be computed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="329"/>
        <source>The {} zones with the most crime (top 20 %) hold {:.0%} of the crimes but {:.0%} of the reads.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JurisdictionAlgorithm</name>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="60"/>
        <source>Find reads outside the jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="66"/>
        <source>alpr,anpr,lpr,plate,jurisdiction,boundary,outside,city limits,neighbour,border,distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="71"/>
        <source>&lt;p&gt;Finds the reads taken outside the agency's jurisdiction, says whose territory each lies in and how far beyond the boundary it is.&lt;/p&gt;&lt;p&gt;&lt;b&gt;INPUT&lt;/b&gt;: reads (points, any CRS). &lt;b&gt;BOUNDARY&lt;/b&gt;: the jurisdiction, one or more polygons, dissolved into one area. A read on the border (to within 10&lt;sup&gt;-9&lt;/sup&gt; of the boundary's size, about 0.01 mm for a city) counts as inside. &lt;b&gt;NEIGHBOURS&lt;/b&gt; (optional): polygons of the surrounding jurisdictions; &lt;b&gt;NEIGHBOUR_NAME_FIELD&lt;/b&gt; names them (default: a field called name, else the first text field). Layers in different CRSs are fine: the reads are transformed to the boundary's CRS (and to the neighbours') before testing. Invalid polygons are repaired and reported by feature id.&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT&lt;/b&gt;: every read outside the boundary, with all its fields plus &lt;i&gt;jurisdiction&lt;/i&gt; (the name of the neighbour polygon holding it, &lt;i&gt;unnamed&lt;/i&gt; where none does — a cluster there is worth a look) and &lt;i&gt;distance_m&lt;/i&gt;, the distance to the boundary in metres, measured in the boundary's CRS when that is in metres, else in the local UTM zone of the boundary. &lt;b&gt;OUTPUT_SUMMARY&lt;/b&gt; (optional table): one row per jurisdiction with read_count, min/median/max distance_m, first_read, last_read and the devices.&lt;/p&gt;&lt;p&gt;Counts: OUTSIDE_COUNT + INSIDE_COUNT + MISSING_LOCATION_COUNT = the input's features (reads without a location are neither inside nor outside); UNNAMED_COUNT reads outside every neighbour; MAX_DISTANCE_M the farthest. Reads at 0,0 (null island: missing coordinates) are outside too; the log warns about them — run alpr:cleanreads first.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:jurisdiction -- INPUT=reads.gpkg BOUNDARY=city.gpkg|layername=city_boundary NEIGHBOURS=city.gpkg|layername=neighbours NEIGHBOUR_NAME_FIELD=name OUTPUT=outside.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="100"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="100"/>
        <source>ALPR reads, e.g. the output of alpr:loadreads or alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="104"/>
        <source>Jurisdiction boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="104"/>
        <source>The agency&apos;s territory: one or more polygons (dissolved). Reads on the border are inside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="110"/>
        <source>Neighbouring jurisdictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="110"/>
        <source>Polygons of the surrounding cities or counties, to say whose territory each read is in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="119"/>
        <source>Neighbour name field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="119"/>
        <source>The field naming each neighbour (default: name, else the first text field).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="130"/>
        <source>Reads outside the jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="135"/>
        <source>Reads outside, by jurisdiction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="144"/>
        <source>Reads outside the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="145"/>
        <source>Reads inside the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="146"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="147"/>
        <source>Reads outside in no neighbour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="148"/>
        <source>Farthest read outside (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="176"/>
        <source>Reading the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="188"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="202"/>
        <source>Testing the reads against the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="208"/>
        <source>{} reads could not be transformed to the boundary&apos;s CRS: they count as outside.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="221"/>
        <source>Naming the jurisdictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="231"/>
        <source>Measuring distances</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="247"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="267"/>
        <source>Internal error: {} reads unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="271"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="275"/>
        <source>{} of {} located reads ({:.1%}) are outside {}; {} reads have no location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="281"/>
        <source>  {}: {} reads, median {:.0f} m and up to {:.0f} m beyond the boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="311"/>
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
        <location filename="../algorithms/load_reads.py" line="58"/>
        <source>alpr,anpr,lpr,plate,csv,import,load,records request,foia</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="61"/>
        <source>&lt;p&gt;Loads the reads of an automatic licence-plate reader (ALPR) export, as obtained through a public-records request, into a point layer with standard fields.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Input file&lt;/b&gt;: delimited text (comma, tab, pipe or semicolon, detected), optionally gzip-compressed (.gz); UTF-8 with or without BOM, or Latin-1. A quoted field may contain the delimiter or span lines.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Fields&lt;/b&gt; are detected from common header names and confirmed by the values: plate (plate, vrm, red_VRM, license, plate_hash…), time (timestamp, dt, red_Timestamp, or a date and a time column), location (lat/latitude and lon/lng/longitude, or one column such as &quot;(37.80, -122.27)&quot;, &quot;37.80,-122.27&quot; or POINT(-122.27 37.80)), device (camera, unit…) and plate state. A column named location that holds beat codes or addresses is not taken for coordinates; separate latitude/longitude columns win over a combined one. Set PLATE_FIELD, TIME_FIELD, LAT_FIELD + LON_FIELD or LOCATION_FIELD, DEVICE_FIELD, STATE_FIELD to override.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time format&lt;/b&gt;: empty to detect (e.g. 07/20/2014 08:01:02 AM, 10/07/2021 - 16:30:51, ISO 8601, Unix seconds); or strptime codes such as %m/%d/%Y %I:%M:%S %p. With a date and a time column the format applies to &quot;date time&quot;.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Time zone&lt;/b&gt;: read_time is the agency's local wall-clock time. Naive timestamps are kept as written. Timestamps with an offset or Z are converted into TIMEZONE (an IANA name such as America/Los_Angeles) when given; without it their offset is dropped and counted in the log.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Source CRS&lt;/b&gt;: the CRS of the coordinates (EPSG:4326 by default). Combined pairs are read latitude first unless most only make sense longitude first; in a projected CRS they are read x, y.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Reads&lt;/b&gt; (OUTPUT): read_id (1-based index of the record in the file, header excluded), plate, read_time, device, state (when the file has one), then every other column of the file, carried through (a mapped column is not repeated; a column whose name clashes gets the suffix _src). Rows with missing or zero coordinates are kept (null geometry, or the point 0,0) for the cleaning step to count.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Rejected records&lt;/b&gt; (REJECTED): records that cannot be read at all, with read_id, line_number, reason (too_few_fields, too_many_fields, unterminated_quote, bad_timestamp, missing_timestamp) and the raw text.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Guarantee&lt;/b&gt;: READ_COUNT + REJECTED_COUNT = the data records in the file. PLATES_HASHED is true when the plates arrived already hashed (every value hex or base64 text of one length of 16 or more); later steps then skip plate-text rules.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:loadreads -- INPUT=reads.csv.gz OUTPUT=reads.gpkg REJECTED=rejected.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="102"/>
        <source>ALPR export (CSV or delimited text, may be .gz)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="102"/>
        <source>Delimited text (*.csv *.tsv *.txt *.psv *.dat *.gz);;All files (*.*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="107"/>
        <source>The file of reads as the agency exported it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column holding the plate text or hash; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Time field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column holding the read&apos;s date and time; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Latitude (y) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column of latitudes or y; set with the longitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Longitude (x) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column of longitudes or x; set with the latitude field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Combined location field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>One column holding both coordinates, e.g. &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Device (camera/car) field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column naming the camera or patrol car; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Plate state field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="109"/>
        <source>Column of the plate&apos;s issuing state; empty to detect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="149"/>
        <source>Time format (strptime, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="152"/>
        <source>For example %m/%d/%Y %I:%M:%S %p. Empty: detect the format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="155"/>
        <source>CRS of the coordinates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="158"/>
        <source>The coordinate reference system the file&apos;s coordinates are in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="161"/>
        <source>Agency time zone (IANA name, optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="164"/>
        <source>Timestamps with an offset are converted into this zone, e.g. America/Los_Angeles.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="167"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="170"/>
        <source>Rejected records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="173"/>
        <source>Reads loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="174"/>
        <source>Records rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="175"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="176"/>
        <source>Plates arrived hashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="235"/>
        <source>Internal error: {} records unaccounted for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="240"/>
        <source>{} records: {} reads loaded, {} rejected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="257"/>
        <source>Encoding {}, {}-delimited, {} data records.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="263"/>
        <source>Fields: plate = {}, time = {}, location = {} ({}), device = {}, state = {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="268"/>
        <source>Time format: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="277"/>
        <source>The plates arrived hashed: plate-text rules will not apply to them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="279"/>
        <source>No device column found: device is null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="281"/>
        <source>{} timestamps carried a UTC offset that was dropped (wall-clock time kept). Set TIMEZONE to convert them instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="288"/>
        <source>{} timestamps converted into the agency&apos;s time zone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="292"/>
        <source>{} reads have no coordinates (kept, with no geometry).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="297"/>
        <source>{} reads have coordinates that cannot be read, kept with no geometry; the first is row {}, field &quot;{}&quot;: &quot;{}&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="304"/>
        <source>Columns renamed: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="311"/>
        <source>Rejected records by reason: {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/load_reads.py" line="270"/>
        <source>The file has quoted line breaks or irregular quoting: its records were split with the exact, slower reader.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SitesAlgorithm</name>
    <message>
        <location filename="../algorithms/sites.py" line="50"/>
        <source>Count reads near sensitive sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="56"/>
        <source>alpr,anpr,lpr,plate,sensitive,site,mosque,church,clinic,school,lawyer,radius,buffer,baseline,percentile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="61"/>
        <source>&lt;p&gt;Do the cameras linger at places of worship, clinics, lawyers' offices, gun shops? Counts the reads and the distinct plates near each sensitive site and compares them with what is usual for a place where the cameras read.&lt;/p&gt;&lt;p&gt;&lt;b&gt;INPUT&lt;/b&gt;: reads (points). &lt;b&gt;SITES&lt;/b&gt;: the sites (points: mosques, clinics, schools…), in any CRS. &lt;b&gt;RADIUS&lt;/b&gt; (m, default 150): reads at most this far from a site count (distances in metres: the reads' CRS when it is in metres, else their local UTM zone; both layers are transformed to it). &lt;b&gt;PLATE_FIELD&lt;/b&gt; (default plate): distinct plates are counted after the cleaner's normalisation (upper case; spaces, dashes, dots removed); hashed plates work too.&lt;/p&gt;&lt;p&gt;The baseline: &lt;b&gt;DRAWS&lt;/b&gt; read locations (default {}) are drawn at random, with a fixed &lt;b&gt;SEED&lt;/b&gt; (default {}) so that a run can be repeated, and the reads within RADIUS of each are counted (the drawn read itself excluded). Reads happen on roads, so random points anywhere (an area-proportional baseline) would make any site on a street look watched; a random read location asks how busy a typical place where the cameras read is. Busy places are drawn more often, so the baseline is demanding.&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT&lt;/b&gt;: the sites with all their fields plus &lt;i&gt;read_count&lt;/i&gt;, &lt;i&gt;unique_plates&lt;/i&gt;, &lt;i&gt;expected_reads&lt;/i&gt; (the mean count of the draws), &lt;i&gt;percentile&lt;/i&gt; (percent of draws with fewer reads, ties counting half: 95 means the site is busier than 95 % of read locations) and &lt;i&gt;ratio_expected&lt;/i&gt; (read_count ÷ expected_reads). Sites without a location keep null figures (SKIPPED_SITE_COUNT). Counts: SITE_COUNT, READS_NEAR_SITES (distinct reads within RADIUS of any site), EXPECTED_READS, MISSING_LOCATION_COUNT (reads without a location, left out).&lt;/p&gt;&lt;p&gt;A high percentile shows where the cameras went, not why: a site on a main road or next to the police station will rank high whatever the intent.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:sites -- INPUT=reads.gpkg SITES=city.gpkg|layername=sensitive_sites RADIUS=150 OUTPUT=sites.gpkg&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="92"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="92"/>
        <source>ALPR reads, e.g. the output of alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="96"/>
        <source>Sensitive sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="96"/>
        <source>Points of the places to check: places of worship, clinics, schools, lawyers, shelters…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="102"/>
        <source>Radius (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="102"/>
        <source>Reads at most this many metres from a site count as near it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="108"/>
        <source>Plate field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="108"/>
        <source>The field holding the plates (or their anonymized ids), for unique_plates (default: plate).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="112"/>
        <source>Random read locations for the baseline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="112"/>
        <source>How many read locations are drawn for expected_reads and percentile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="124"/>
        <source>Random seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="124"/>
        <source>Seed of the draws: the same seed and inputs give the same figures.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="131"/>
        <source>Sites with read counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="136"/>
        <source>Sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="137"/>
        <source>Reads near any site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="138"/>
        <source>Expected reads near a read location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="139"/>
        <source>Reads without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="140"/>
        <source>Sites without a location</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="163"/>
        <source>No plate field {}: unique_plates stays empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="167"/>
        <source>Reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="187"/>
        <source>Distances measured in {} (metres).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="190"/>
        <source>Counting reads near the sites and at random read locations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="215"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="217"/>
        <source>The sites layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="218"/>
        <source>A random read location has {:.1f} other reads within {} m ({} draws, seed {}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="230"/>
        <source>site {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/sites.py" line="231"/>
        <source>  {}: {} reads, {} plates; busier than {:.0f} % of read locations</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SummaryAlgorithm</name>
    <message>
        <location filename="../algorithms/summary.py" line="85"/>
        <source>ALPR summary and report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="91"/>
        <source>alpr,anpr,lpr,plate,summary,report,statistics,numbers,html,audit,accountability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="98"/>
        <source>&lt;p&gt;The numbers of an ALPR dataset, as a table and as an accountability report.&lt;/p&gt;&lt;p&gt;&lt;b&gt;INPUT&lt;/b&gt;: reads (raw from alpr:loadreads, or clean from alpr:cleanreads). &lt;b&gt;PLATE_FIELD&lt;/b&gt; (default plate; plate_id on anonymized reads), &lt;b&gt;TIME_FIELD&lt;/b&gt; (default read_time), &lt;b&gt;DEVICE_FIELD&lt;/b&gt; (default device), &lt;b&gt;STATE_FIELD&lt;/b&gt; (default: state when the layer has it; plates are then paired with their state). &lt;b&gt;REFERENCE_POINT&lt;/b&gt; and &lt;b&gt;REFERENCE_DISTANCE&lt;/b&gt; (metres, default one mile = 1609.344 m, measured on the WGS 84 ellipsoid): e.g. police headquarters. &lt;b&gt;BOUNDARY&lt;/b&gt;: the jurisdiction's polygon(s). &lt;b&gt;REJECTED&lt;/b&gt;: the rejected output of alpr:cleanreads, for misreads. &lt;b&gt;HEATMAP&lt;/b&gt;: an alpr:heatmap raster drawn on the report's map (else the reads are drawn, or their density beyond 100,000). &lt;b&gt;GOVERNMENT_PATTERN&lt;/b&gt;: regular expression of whole normalised government plates, used when the layer has no is_government field. &lt;b&gt;REPORT_TITLE&lt;/b&gt;: the report's title (default: after the input layer's name).&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT_TABLE&lt;/b&gt;: one row per metric: &lt;i&gt;metric&lt;/i&gt;, &lt;i&gt;value&lt;/i&gt; (null where the input cannot give it, never a made-up zero), &lt;i&gt;note&lt;/i&gt;. Metrics: total_reads (every feature); unique_plates (distinct plates after the cleaner's normalisation: upper case, spaces, dashes and dots removed; paired with the state when there is one); plates_seen_once; mean_reads_per_plate (reads with a plate / unique plates); max_reads_single_plate; government_plates and government_reads (from is_government, else the pattern; null for hashed plates); duplicate_reads (from is_duplicate); reads_near_reference; reads_outside_boundary (reads with a location beyond BOUNDARY; the border counts as inside); reads_missing_location (no geometry, or at 0,0); misreads (REJECTED reads with reason sign_word, overlength or invalid_chars); devices; days_with_reads; busiest_device_share. Each metric is also an output number of the same name in upper case.&lt;/p&gt;&lt;p&gt;&lt;b&gt;OUTPUT_HTML&lt;/b&gt;: one self-contained HTML file (charts embedded, opens offline): key findings, the numbers, reads by hour and by weekday × hour, reads per plate (log scale), reads per device per day, a map drawn by QGIS's renderer, and the methods (inputs, parameters, software versions, definitions). Every text from the data is escaped; no plate is ever shown.&lt;/p&gt;&lt;p&gt;Example: &lt;code&gt;qgis_process.bin run alpr:summary -- INPUT=clean.gpkg REJECTED=rejected.gpkg BOUNDARY=city.gpkg|layername=city_boundary REFERENCE_POINT=&quot;-122.27,37.80 [EPSG:4326]&quot; OUTPUT_TABLE=summary.gpkg OUTPUT_HTML=report.html&lt;/code&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="136"/>
        <source>Reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="136"/>
        <source>ALPR reads: the output of alpr:loadreads or alpr:cleanreads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="174"/>
        <source>Reference point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="174"/>
        <source>A place to count reads around, e.g. police headquarters (any CRS).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="178"/>
        <source>Reference distance (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="178"/>
        <source>Radius around the reference point, in metres on the ellipsoid (one mile = 1609.344).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="188"/>
        <source>Boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="188"/>
        <source>The jurisdiction&apos;s polygon(s): reads beyond it are counted, and it frames the map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="194"/>
        <source>Rejected reads (from alpr:cleanreads)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="194"/>
        <source>The cleaner&apos;s REJECTED layer (field reason): misreads are counted from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="203"/>
        <source>Heatmap (for the report&apos;s map)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="203"/>
        <source>An alpr:heatmap raster to draw on the map; without it the reads are drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="207"/>
        <source>Government plate pattern (regex)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="207"/>
        <source>Whole normalised plates of government vehicles (used without an is_government field).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="214"/>
        <source>Report title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="214"/>
        <source>Title of the HTML report (default: ALPR accountability report: &lt;input layer name&gt;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="218"/>
        <source>Summary table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="221"/>
        <source>Report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="221"/>
        <source>HTML files (*.html *.htm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="244"/>
        <source>{} has no field &quot;{}&quot; ({}): the metrics that need it are null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="290"/>
        <source>Reading the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="305"/>
        <source>The input layer has no features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="373"/>
        <source>Counting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="396"/>
        <source>Drawing the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="400"/>
        <source>Writing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="423"/>
        <source>Report written to {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="465"/>
        <source>the heatmap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="495"/>
        <source>the density of the {:,} located reads (counts per cell, smoothed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="498"/>
        <source>the reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="508"/>
        <source>the boundary (outline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="511"/>
        <source>the reference point (star) and its radius (dashed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="513"/>
        <source>No map: the input has no located read to draw.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="517"/>
        <source>The map could not be drawn: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="518"/>
        <source>The map could not be drawn.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="519"/>
        <source>Map of {}, in {}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="548"/>
        <source>(not given)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="548"/>
        <source>ALPR accountability report: {}</source>
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
        <location filename="../qgis_io/inputs.py" line="170"/>
        <source>{} has no CRS; its coordinates are read as EPSG:4326 degrees.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="180"/>
        <source>{} has no CRS; it is taken to be in the reads&apos; CRS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="189"/>
        <source>{} reads lie at 0,0 (null island): their coordinates were missing. Run alpr:cleanreads first to set them apart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="202"/>
        <source>Input fields replaced by the computed ones: {}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>alpr_core</name>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="395"/>
        <source>KEY_AUTHCFG &quot;{authcfg}&quot; cannot be read from QGIS&apos;s authentication database.</source>
        <translation>KEY_AUTHCFG « {authcfg} » ne peut pas être lu dans la base d’authentification de QGIS.</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="397"/>
        <source>Check the configuration id, and that the master password is set (qgis_process: QGIS_AUTH_PASSWORD_FILE).</source>
        <translation>Vérifiez l’identifiant de la configuration, et que le mot de passe principal est défini (qgis_process : QGIS_AUTH_PASSWORD_FILE).</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="403"/>
        <source>KEY_AUTHCFG &quot;{authcfg}&quot; holds no password.</source>
        <translation>KEY_AUTHCFG « {authcfg} » ne contient aucun mot de passe.</translation>
    </message>
    <message>
        <location filename="../algorithms/anonymize_plates.py" line="405"/>
        <source>Store the secret as the password of a Basic authentication configuration.</source>
        <translation>Enregistrez le secret comme mot de passe d’une configuration d’authentification de base (Basic).</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="199"/>
        <source>is not a distance in metres greater than 0</source>
        <translation>n’est pas une distance en mètres supérieure à 0</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="203"/>
        <source>is not a GeoTIFF file name</source>
        <translation>n’est pas un nom de fichier GeoTIFF</translation>
    </message>
    <message>
        <location filename="../algorithms/heatmap.py" line="206"/>
        <source>Use a .tif file for the heatmap.</source>
        <translation>Utilisez un fichier .tif pour la carte de chaleur.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="292"/>
        <source>A key join needs both READ_KEY_FIELD and CENSUS_KEY_FIELD.</source>
        <translation>Une jointure par clé demande à la fois READ_KEY_FIELD et CENSUS_KEY_FIELD.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="293"/>
        <source>Set both, or neither for a spatial join</source>
        <translation>Renseignez les deux, ou aucun pour une jointure spatiale</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="361"/>
        <source>has no polygons: a spatial join needs census polygons.</source>
        <translation>n’a pas de polygones : une jointure spatiale demande des polygones de recensement.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="363"/>
        <source>Choose a polygon CENSUS layer, or join on READ_KEY_FIELD and CENSUS_KEY_FIELD</source>
        <translation>Choisissez une couche CENSUS de polygones, ou joignez sur READ_KEY_FIELD et CENSUS_KEY_FIELD</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="368"/>
        <source>has no points: a spatial join needs reads with locations.</source>
        <translation>n’a pas de points : une jointure spatiale demande des lectures localisées.</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="370"/>
        <source>Choose a point INPUT layer, or join on READ_KEY_FIELD and CENSUS_KEY_FIELD</source>
        <translation>Choisissez une couche INPUT de points, ou joignez sur READ_KEY_FIELD et CENSUS_KEY_FIELD</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="388"/>
        <location filename="../algorithms/join_crime.py" line="241"/>
        <location filename="../algorithms/sites.py" line="192"/>
        <location filename="../core/census.py" line="122"/>
        <source>has no field &quot;{field}&quot;.</source>
        <translation>n’a pas de champ « {field} ».</translation>
    </message>
    <message>
        <location filename="../algorithms/join_census.py" line="391"/>
        <location filename="../algorithms/join_crime.py" line="237"/>
        <location filename="../algorithms/join_crime.py" line="248"/>
        <location filename="../algorithms/jurisdiction.py" line="141"/>
        <location filename="../algorithms/sites.py" line="195"/>
        <location filename="../core/census.py" line="129"/>
        <source>Choose {parameter} among: {fields}</source>
        <translation>Choisissez {parameter} parmi : {fields}</translation>
    </message>
    <message>
        <location filename="../algorithms/join_crime.py" line="234"/>
        <source>needs CATEGORY_FIELD, the field to match.</source>
        <translation>demande CATEGORY_FIELD, le champ à comparer.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="134"/>
        <source>has no field {field}.</source>
        <translation>n’a pas de champ {field}.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="224"/>
        <source>has no usable polygon.</source>
        <translation>n’a aucun polygone utilisable.</translation>
    </message>
    <message>
        <location filename="../algorithms/jurisdiction.py" line="226"/>
        <source>Choose a BOUNDARY layer holding the jurisdiction&apos;s polygon(s)</source>
        <translation>Choisissez une couche BOUNDARY contenant le ou les polygones de la juridiction</translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="291"/>
        <source>has no field &quot;{name}&quot;.</source>
        <translation>n’a pas de champ « {name} ».</translation>
    </message>
    <message>
        <location filename="../algorithms/summary.py" line="295"/>
        <source>Fields present: {fields}. Set {parameter} to one of them, or leave it empty.</source>
        <translation>Champs présents : {fields}. Indiquez l’un d’eux dans {parameter}, ou laissez-le vide.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="71"/>
        <source>Set only one of {given}, not both.</source>
        <translation>Ne renseignez qu’un seul de ces paramètres : {given}, pas les deux.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="73"/>
        <source>KEY_AUTHCFG or KEY_FILE are the safe ones: KEY is stored in QGIS&apos;s history.</source>
        <translation>KEY_AUTHCFG et KEY_FILE sont les options sûres : KEY est enregistrée dans l’historique de QGIS.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="83"/>
        <source>cannot be read ({reason}).</source>
        <translation>ne peut pas être lu ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="89"/>
        <source>is empty: it holds no key.</source>
        <translation>est vide : il ne contient aucune clé.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="91"/>
        <source>Write a long random secret into it (e.g. 32 random bytes).</source>
        <translation>Écrivez-y un long secret aléatoire (par exemple 32 octets aléatoires).</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="102"/>
        <source>{origin} holds a key of {size} bytes: a secret shorter than {minimum} bytes can be guessed.</source>
        <translation>{origin} contient une clé de {size} octets : un secret de moins de {minimum} octets peut être deviné.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="104"/>
        <source>Use a long random secret, e.g. the output of: python3 -c &quot;import secrets; print(secrets.token_hex(32))&quot;.</source>
        <translation>Utilisez un long secret aléatoire, par exemple la sortie de : python3 -c &quot;import secrets; print(secrets.token_hex(32))&quot;.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="124"/>
        <source>METHOD &quot;{method}&quot; is not one of {choices}.</source>
        <translation>METHOD « {method} » ne fait pas partie de : {choices}.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="152"/>
        <source>TIME_PRECISION &quot;{precision}&quot; is not one of {choices}.</source>
        <translation>TIME_PRECISION « {precision} » ne fait pas partie de : {choices}.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="217"/>
        <source>KEEP_FIELDS names the plate field &quot;{name}&quot;: a release never keeps plates.</source>
        <translation>KEEP_FIELDS désigne le champ des plaques « {name} » : une publication ne conserve jamais les plaques.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="221"/>
        <source>Remove it from KEEP_FIELDS; plate_id stands for it in the release.</source>
        <translation>Retirez-le de KEEP_FIELDS ; plate_id le remplace dans la publication.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="227"/>
        <source>KEEP_FIELDS names &quot;{name}&quot;, which EXTRA_PLATE_FIELDS says holds plates.</source>
        <translation>KEEP_FIELDS désigne « {name} », qui selon EXTRA_PLATE_FIELDS contient des plaques.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="231"/>
        <source>Remove it from one of the two lists.</source>
        <translation>Retirez-le de l’une des deux listes.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="235"/>
        <source>KEEP_FIELDS names &quot;{name}&quot;, which the input layer does not have.</source>
        <translation>KEEP_FIELDS désigne « {name} », que la couche en entrée ne possède pas.</translation>
    </message>
    <message>
        <location filename="../core/anonymize.py" line="237"/>
        <source>Fields present: {fields}.</source>
        <translation>Champs présents : {fields}.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="68"/>
        <source>Field &quot;{field}&quot; is both in ATTRIBUTES and in COUNT_ATTRIBUTES.</source>
        <translation>Le champ « {field} » figure à la fois dans ATTRIBUTES et dans COUNT_ATTRIBUTES.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="70"/>
        <source>Put a value (such as income) in ATTRIBUTES and a count of residents (such as residents by race) in COUNT_ATTRIBUTES, each field in one of them</source>
        <translation>Mettez une valeur (comme le revenu) dans ATTRIBUTES et un effectif d’habitants (comme les habitants par origine) dans COUNT_ATTRIBUTES, chaque champ dans une seule des deux listes</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="135"/>
        <source>is a yes/no field, not a number.</source>
        <translation>est un champ oui/non, pas un nombre.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="139"/>
        <source>Choose a numeric {parameter}</source>
        <translation>Choisissez un {parameter} numérique</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="151"/>
        <source>is not a number ({count} such values).</source>
        <translation>n’est pas un nombre ({count} valeurs de ce type).</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="157"/>
        <source>Choose a numeric {parameter} or fix the layer</source>
        <translation>Choisissez un {parameter} numérique ou corrigez la couche</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="373"/>
        <source>appears {count} times: census keys must be unique.</source>
        <translation>apparaît {count} fois : les clés du recensement doivent être uniques.</translation>
    </message>
    <message>
        <location filename="../core/census.py" line="379"/>
        <source>Choose another CENSUS_KEY_FIELD or remove the duplicates</source>
        <translation>Choisissez un autre CENSUS_KEY_FIELD ou supprimez les doublons</translation>
    </message>
    <message>
        <location filename="../core/cleaning.py" line="316"/>
        <source>GOVERNMENT_PATTERN &quot;{pattern}&quot; is not a valid regular expression ({error}).</source>
        <translation>GOVERNMENT_PATTERN « {pattern} » n’est pas une expression régulière valide ({error}).</translation>
    </message>
    <message>
        <location filename="../core/cleaning.py" line="320"/>
        <source>The default, \d{{7}}, matches plates of seven digits.</source>
        <translation>La valeur par défaut, \d{{7}}, reconnaît les plaques de sept chiffres.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="134"/>
        <source>is the exposure: its share of itself is 100 %.</source>
        <translation>est l’exposition : sa part d’elle-même vaut 100 %.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="136"/>
        <source>Remove it from SHARE_PREDICTORS</source>
        <translation>Retirez-le de SHARE_PREDICTORS</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="169"/>
        <source>is the count or the exposure, not a predictor.</source>
        <translation>est l’effectif ou l’exposition, pas un prédicteur.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="171"/>
        <location filename="../core/countmodel.py" line="246"/>
        <source>Remove it from PREDICTORS</source>
        <translation>Retirez-le de PREDICTORS</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="175"/>
        <source>is listed twice in PREDICTORS.</source>
        <translation>figure deux fois dans PREDICTORS.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="177"/>
        <source>List each predictor once</source>
        <translation>Indiquez chaque prédicteur une seule fois</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="189"/>
        <source>is negative: a count model needs counts of 0 or more.</source>
        <translation>est négatif : un modèle de comptage demande des effectifs de 0 ou plus.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="194"/>
        <source>Choose a COUNT_FIELD of counts, e.g. read_count</source>
        <translation>Choisissez un COUNT_FIELD d’effectifs, par exemple read_count</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="200"/>
        <source>is not a whole number: a count model needs counts, not rates or shares.</source>
        <translation>n’est pas un nombre entier : un modèle de comptage demande des effectifs, pas des taux ni des parts.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="205"/>
        <source>Choose a COUNT_FIELD of counts, e.g. read_count, and put the population in EXPOSURE_FIELD</source>
        <translation>Choisissez un COUNT_FIELD d’effectifs, par exemple read_count, et mettez la population dans EXPOSURE_FIELD</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="212"/>
        <source>has no positive value: the exposure (population or area) must be above 0 in some unit.</source>
        <translation>n’a aucune valeur positive : l’exposition (population ou surface) doit dépasser 0 dans au moins une unité.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="217"/>
        <source>Choose another EXPOSURE_FIELD, e.g. population</source>
        <translation>Choisissez un autre EXPOSURE_FIELD, par exemple population</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="230"/>
        <source>{units} unit(s) can enter the model (count, exposure &gt; 0 and every predictor known), but a model with {parameters} parameter(s) needs at least {needed}.</source>
        <translation>{units} unité(s) peuvent entrer dans le modèle (effectif, exposition &gt; 0 et tous les prédicteurs connus), mais un modèle à {parameters} paramètre(s) en demande au moins {needed}.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="234"/>
        <source>Use fewer PREDICTORS or more units</source>
        <translation>Utilisez moins de PREDICTORS ou davantage d’unités</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="242"/>
        <source>is constant, or a combination of the predictors before it, over the units in the model: its effect cannot be estimated.</source>
        <translation>est constant, ou une combinaison des prédicteurs qui le précèdent, sur les unités du modèle : son effet ne peut pas être estimé.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="251"/>
        <source>is 0 in every unit of the model: there is nothing to model.</source>
        <translation>vaut 0 dans toutes les unités du modèle : il n’y a rien à modéliser.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="254"/>
        <source>Check COUNT_FIELD</source>
        <translation>Vérifiez COUNT_FIELD</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="307"/>
        <source>is not a model family.</source>
        <translation>n’est pas une famille de modèles.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="311"/>
        <source>Choose one of: {families}</source>
        <translation>Choisissez l’une des valeurs : {families}</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="332"/>
        <source>{units} unit(s) can enter the model, but a negative binomial model with {parameters} parameter(s) and its dispersion needs at least {needed}.</source>
        <translation>{units} unité(s) peuvent entrer dans le modèle, mais un modèle binomial négatif à {parameters} paramètre(s) plus sa dispersion en demande au moins {needed}.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="336"/>
        <source>Use fewer PREDICTORS, more units, or FAMILY=poisson</source>
        <translation>Utilisez moins de PREDICTORS, davantage d’unités, ou FAMILY=poisson</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="367"/>
        <source>The Poisson fit did not converge: {error} — check the predictors&apos; values.</source>
        <translation>L’ajustement de Poisson n’a pas convergé : {error} — vérifiez les valeurs des prédicteurs.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="376"/>
        <source>The Poisson fit did not converge: an estimate runs off to infinity{terms} (e.g. a predictor that separates units with and without reads).</source>
        <translation>L’ajustement de Poisson n’a pas convergé : une estimation part à l’infini{terms} (par exemple un prédicteur qui sépare les unités avec et sans lectures).</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="504"/>
        <source>The negative binomial fit did not converge: its dispersion α goes to 0 (the counts vary no more than a Poisson&apos;s) or the search fails. Use FAMILY=poisson, or fewer PREDICTORS.</source>
        <translation>L’ajustement binomial négatif n’a pas convergé : sa dispersion α tend vers 0 (les effectifs ne varient pas plus que ceux d’une loi de Poisson) ou la recherche échoue. Utilisez FAMILY=poisson, ou moins de PREDICTORS.</translation>
    </message>
    <message>
        <location filename="../core/countmodel.py" line="509"/>
        <source>The negative binomial fit did not converge: no maximum of the likelihood was found. Try fewer PREDICTORS, or FAMILY=poisson.</source>
        <translation>L’ajustement binomial négatif n’a pas convergé : aucun maximum de la vraisemblance n’a été trouvé. Essayez moins de PREDICTORS, ou FAMILY=poisson.</translation>
    </message>
    <message>
        <location filename="../core/crime.py" line="46"/>
        <source>is not a valid regular expression ({error}).</source>
        <translation>n’est pas une expression régulière valide ({error}).</translation>
    </message>
    <message>
        <location filename="../core/crime.py" line="50"/>
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
        <location filename="../core/hotspots.py" line="215"/>
        <source>The grid would need about {cells} hexagons of {size} m to cover {width:.1f} km × {height:.1f} km (at most {most}). Choose a larger CELL_SIZE or a BOUNDARY, or remove far-off reads (e.g. points at 0,0: run Remove misreads first).</source>
        <translation>La grille demanderait environ {cells} hexagones de {size} m pour couvrir {width:.1f} km × {height:.1f} km (au plus {most}). Choisissez un CELL_SIZE plus grand ou un BOUNDARY, ou retirez les lectures lointaines (par exemple des points en 0,0 : lancez d’abord Remove misreads).</translation>
    </message>
    <message>
        <location filename="../core/hotspots.py" line="230"/>
        <source>BOUNDARY covers no hexagon.</source>
        <translation>BOUNDARY ne couvre aucun hexagone.</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="52"/>
        <source>is not a usable radius: give a distance greater than 0 m</source>
        <translation>n’est pas un rayon utilisable : donnez une distance supérieure à 0 m</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="58"/>
        <source>is not a usable pixel size: give a distance greater than 0 m</source>
        <translation>n’est pas une taille de pixel utilisable : donnez une distance supérieure à 0 m</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="64"/>
        <location filename="../qgis_io/density_input.py" line="144"/>
        <source>is not a usable extent</source>
        <translation>n’est pas une emprise utilisable</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="70"/>
        <source>makes a raster of {rows} × {columns} cells, too large</source>
        <translation>donne un raster de {rows} × {columns} cellules, trop grand</translation>
    </message>
    <message>
        <location filename="../core/kde/grid.py" line="74"/>
        <source>Use a larger pixel size or a smaller extent (at most {limit:,} cells).</source>
        <translation>Utilisez une taille de pixel plus grande ou une emprise plus petite (au plus {limit:,} cellules).</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="96"/>
        <source>has no plate field &quot;{field}&quot;.</source>
        <translation>n’a pas de champ de plaques « {field} ».</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="99"/>
        <source>Fields present: {fields}. Set PLATE_FIELD to the field holding the plates.</source>
        <translation>Champs présents : {fields}. Indiquez dans PLATE_FIELD le champ qui contient les plaques.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="106"/>
        <source>holds numbers ({kind}), not text: plates would lose leading zeros and letters.</source>
        <translation>contient des nombres ({kind}), pas du texte : les plaques perdraient leurs zéros initiaux et leurs lettres.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="110"/>
        <source>Load the export with alpr:loadreads (it keeps plates as text), or choose the text field of plates.</source>
        <translation>Chargez l’export avec alpr:loadreads (il garde les plaques en texte), ou choisissez le champ texte des plaques.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="120"/>
        <source>holds values that are not text.</source>
        <translation>contient des valeurs qui ne sont pas du texte.</translation>
    </message>
    <message>
        <location filename="../core/plates.py" line="124"/>
        <source>Choose the text field of plates as PLATE_FIELD.</source>
        <translation>Choisissez le champ texte des plaques comme PLATE_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="227"/>
        <source>{parameter} names a field that is not in the file: {name}.</source>
        <translation>{parameter} désigne un champ absent du fichier : {name}.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="230"/>
        <location filename="../core/reads/columns.py" line="269"/>
        <source>Fields found: {fields}.</source>
        <translation>Champs trouvés : {fields}.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="252"/>
        <source>has no recognisable plate column.</source>
        <translation>n’a pas de colonne de plaques reconnaissable.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="255"/>
        <source>Fields found: {fields}. Set PLATE_FIELD to the column holding the plates.</source>
        <translation>Champs trouvés : {fields}. Indiquez dans PLATE_FIELD la colonne qui contient les plaques.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="266"/>
        <source>LAT_FIELD and LON_FIELD must be set together.</source>
        <translation>LAT_FIELD et LON_FIELD doivent être renseignés ensemble.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="279"/>
        <source>has no recognisable location: no latitude/longitude columns and no column of coordinates such as &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80).</source>
        <translation>n’a pas de position reconnaissable : ni colonnes de latitude/longitude, ni colonne de coordonnées comme &quot;(37.80, -122.27)&quot; ou POINT(-122.27 37.80).</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="283"/>
        <source>Fields found: {fields}. Set LAT_FIELD and LON_FIELD, or LOCATION_FIELD.</source>
        <translation>Champs trouvés : {fields}. Indiquez LAT_FIELD et LON_FIELD, ou LOCATION_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="288"/>
        <source>holds no coordinates (such as &quot;(37.80, -122.27)&quot; or POINT(-122.27 37.80)).</source>
        <translation>ne contient pas de coordonnées (comme &quot;(37.80, -122.27)&quot; ou POINT(-122.27 37.80)).</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="294"/>
        <source>It may hold beat codes or addresses. Fields found: {fields}. Set LAT_FIELD and LON_FIELD instead.</source>
        <translation>Elle contient peut-être des codes de secteur ou des adresses. Champs trouvés : {fields}. Indiquez plutôt LAT_FIELD et LON_FIELD.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="338"/>
        <source>has no recognisable timestamp column.</source>
        <translation>n’a pas de colonne d’horodatage reconnaissable.</translation>
    </message>
    <message>
        <location filename="../core/reads/columns.py" line="341"/>
        <source>Fields found: {fields}. Set TIME_FIELD (and TIME_FORMAT if the times are written unusually, e.g. %m/%d/%Y %I:%M:%S %p).</source>
        <translation>Champs trouvés : {fields}. Indiquez TIME_FIELD (et TIME_FORMAT si les heures sont écrites de façon inhabituelle, par exemple %m/%d/%Y %I:%M:%S %p).</translation>
    </message>
    <message>
        <location filename="../core/reads/loading.py" line="62"/>
        <location filename="../core/reads/text.py" line="243"/>
        <source>is empty: it holds no header and no records.</source>
        <translation>est vide : il ne contient ni en-tête ni enregistrement.</translation>
    </message>
    <message>
        <location filename="../core/reads/loading.py" line="130"/>
        <source>holds a header but no data records.</source>
        <translation>contient un en-tête mais aucun enregistrement de données.</translation>
    </message>
    <message>
        <location filename="../core/reads/loading.py" line="132"/>
        <source>Check that the export is complete.</source>
        <translation>Vérifiez que l’export est complet.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="60"/>
        <source>cannot be opened ({reason}).</source>
        <translation>ne peut pas être ouvert ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="69"/>
        <source>is not a valid gzip file (it is truncated or damaged).</source>
        <translation>n’est pas un fichier gzip valide (il est tronqué ou endommagé).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="71"/>
        <source>Decompress it by hand to check it, or export it again.</source>
        <translation>Décompressez-le à la main pour le vérifier, ou exportez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="75"/>
        <source>is a ZIP archive or a spreadsheet (XLSX), not delimited text.</source>
        <translation>est une archive ZIP ou un classeur (XLSX), pas du texte délimité.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="77"/>
        <source>Unzip it, or save the sheet as CSV, and load that file.</source>
        <translation>Décompressez-le, ou enregistrez la feuille en CSV, et chargez ce fichier.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="105"/>
        <source>has a header of {columns:,} columns, more than any ALPR export holds (at most {limit:,} are read).</source>
        <translation>a un en-tête de {columns:,} colonnes, plus qu’aucun export LAPI n’en contient (au plus {limit:,} sont lues).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="109"/>
        <source>Check that this is the export of the reads and that its first line is its header.</source>
        <translation>Vérifiez qu’il s’agit bien de l’export des lectures et que sa première ligne est son en-tête.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="119"/>
        <source>is not a text file (it holds binary data).</source>
        <translation>n’est pas un fichier texte (il contient des données binaires).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="121"/>
        <source>Choose the CSV or delimited-text export of the reads.</source>
        <translation>Choisissez l’export CSV ou texte délimité des lectures.</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="225"/>
        <source>cannot be split into records ({reason}).</source>
        <translation>ne peut pas être découpé en enregistrements ({reason}).</translation>
    </message>
    <message>
        <location filename="../core/reads/text.py" line="229"/>
        <source>Check the quoting near that line.</source>
        <translation>Vérifiez les guillemets autour de cette ligne.</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="242"/>
        <source>matches none of the timestamps, such as &quot;{example}&quot;.</source>
        <translation>ne correspond à aucun des horodatages, comme « {example} ».</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="246"/>
        <source>TIME_FORMAT is {format}; fix it (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p) or leave it empty to detect the format.</source>
        <translation>TIME_FORMAT vaut {format} ; corrigez-le (codes strptime, par exemple %m/%d/%Y %I:%M:%S %p) ou laissez-le vide pour détecter le format.</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="250"/>
        <source>holds timestamps in a format that is not recognised, such as &quot;{example}&quot;.</source>
        <translation>contient des horodatages dans un format non reconnu, comme « {example} ».</translation>
    </message>
    <message>
        <location filename="../core/reads/times.py" line="254"/>
        <source>Set TIME_FORMAT (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p).</source>
        <translation>Indiquez TIME_FORMAT (codes strptime, par exemple %m/%d/%Y %I:%M:%S %p).</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="78"/>
        <source>{parameter} (&quot;{layer}&quot;) is not {what}: it has no field {missing}.</source>
        <translation>{parameter} (« {layer} ») n’est pas {what} : il n’a pas de champ {missing}.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="85"/>
        <source>Give {parameter} the layer that algorithm wrote, or leave {parameter} empty.</source>
        <translation>Donnez à {parameter} la couche écrite par cet algorithme, ou laissez {parameter} vide.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="136"/>
        <source>{parameter} (&quot;{layer}&quot;), row {row}, field &quot;{field}&quot;: &quot;{value}&quot; is not a number.</source>
        <translation>{parameter} (« {layer} »), ligne {row}, champ « {field} » : « {value} » n’est pas un nombre.</translation>
    </message>
    <message>
        <location filename="../core/report/inputs.py" line="146"/>
        <source>Give {parameter} the layer its algorithm wrote, unchanged.</source>
        <translation>Donnez à {parameter} la couche écrite par son algorithme, telle quelle.</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="48"/>
        <source>An empty name cannot be a PostgreSQL table or column</source>
        <translation>Un nom vide ne peut pas être une table ou une colonne PostgreSQL</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="51"/>
        <source>The name {name} holds a NUL character, which PostgreSQL cannot store</source>
        <translation>Le nom {name} contient un caractère NUL, que PostgreSQL ne peut pas stocker</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="56"/>
        <source>The name {name} is longer than PostgreSQL&apos;s 63 bytes; rename the field or table</source>
        <translation>Le nom {name} dépasse les 63 octets de PostgreSQL ; renommez le champ ou la table</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="80"/>
        <source>Column {name} holds time-zone-aware times; the reads table stores naive local time</source>
        <translation>La colonne {name} contient des heures avec fuseau horaire ; la table des lectures stocke l’heure locale sans fuseau</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="156"/>
        <source>The reads already have a column called {name}, the geometry column&apos;s name</source>
        <translation>Les lectures ont déjà une colonne nommée {name}, le nom de la colonne de géométrie</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="160"/>
        <source>The reads have two columns of the same name</source>
        <translation>Les lectures ont deux colonnes du même nom</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="285"/>
        <source>The value holds a NUL character, which PostgreSQL cannot store</source>
        <translation>La valeur contient un caractère NUL, que PostgreSQL ne peut pas stocker</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="289"/>
        <source>Remove the character from the source and load again.</source>
        <translation>Retirez le caractère de la source et chargez à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="301"/>
        <source>A value is not valid Unicode text (a lone surrogate)</source>
        <translation>Une valeur n’est pas du texte Unicode valide (un substitut isolé)</translation>
    </message>
    <message>
        <location filename="../core/sql.py" line="303"/>
        <source>Fix the file&apos;s encoding and load again.</source>
        <translation>Corrigez l’encodage du fichier et chargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/summary_reads.py" line="93"/>
        <source>holds {kind} values, not text: plates would lose leading zeros and letters.</source>
        <translation>contient des valeurs {kind}, pas du texte : les plaques perdraient leurs zéros initiaux et leurs lettres.</translation>
    </message>
    <message>
        <location filename="../core/summary_reads.py" line="98"/>
        <source>Load the export with alpr:loadreads (it keeps plates as text), or choose the field of plates.</source>
        <translation>Chargez l’export avec alpr:loadreads (il garde les plaques en texte), ou choisissez le champ des plaques.</translation>
    </message>
    <message>
        <location filename="../core/timezones.py" line="36"/>
        <source>TIMEZONE &quot;{name}&quot; is not an IANA time-zone name.</source>
        <translation>TIMEZONE « {name} » n’est pas un nom de fuseau horaire IANA.</translation>
    </message>
    <message>
        <location filename="../core/timezones.py" line="38"/>
        <source>Use a name such as America/Los_Angeles, or leave it empty.</source>
        <translation>Utilisez un nom comme America/Los_Angeles, ou laissez-le vide.</translation>
    </message>
    <message>
        <location filename="../core/track_reads.py" line="83"/>
        <location filename="../core/tracks.py" line="103"/>
        <source>holds no date-time values</source>
        <translation>ne contient aucune date et heure</translation>
    </message>
    <message>
        <location filename="../core/track_reads.py" line="85"/>
        <location filename="../core/tracks.py" line="97"/>
        <location filename="../core/tracks.py" line="105"/>
        <source>Choose the field with the read times as TIME_FIELD</source>
        <translation>Choisissez comme TIME_FIELD le champ des heures de lecture</translation>
    </message>
    <message>
        <location filename="../core/tracks.py" line="95"/>
        <source>holds numbers, not date-time values</source>
        <translation>contient des nombres, pas des dates et heures</translation>
    </message>
    <message>
        <location filename="../qgis_io/boundary.py" line="43"/>
        <source>A {name} polygon cannot be projected to {crs}: {error}</source>
        <translation>Un polygone de {name} ne peut pas être projeté en {crs} : {error}</translation>
    </message>
    <message>
        <location filename="../qgis_io/boundary.py" line="52"/>
        <source>{name} has no polygon with an area.</source>
        <translation>{name} n’a aucun polygone ayant une surface.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="69"/>
        <source>Layer &quot;{layer}&quot; has no CRS</source>
        <translation>La couche « {layer} » n’a pas de SCR</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="71"/>
        <source>Set the layer&apos;s CRS so distances can be measured.</source>
        <translation>Définissez le SCR de la couche pour que les distances puissent être mesurées.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="107"/>
        <source>Layer &quot;{layer}&quot; has no features</source>
        <translation>La couche « {layer} » n’a aucune entité</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="109"/>
        <source>Give INPUT a layer with points.</source>
        <translation>Donnez à INPUT une couche de points.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="116"/>
        <source>Layer &quot;{layer}&quot;: none of its {count} features has a geometry</source>
        <translation>Couche « {layer} » : aucune de ses {count} entités n’a de géométrie</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="118"/>
        <source>Give INPUT a layer with located points.</source>
        <translation>Donnez à INPUT une couche de points localisés.</translation>
    </message>
    <message>
        <location filename="../qgis_io/density_input.py" line="218"/>
        <source>None of the points could be projected to {crs}</source>
        <translation>Aucun des points n’a pu être projeté en {crs}</translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="166"/>
        <source>has no CRS, and its coordinates are not longitudes and latitudes.</source>
        <translation>n’a pas de SCR, et ses coordonnées ne sont pas des longitudes et latitudes.</translation>
    </message>
    <message>
        <location filename="../qgis_io/inputs.py" line="168"/>
        <source>Set the layer&apos;s CRS (Layer Properties → Source) and run again.</source>
        <translation>Définissez le SCR de la couche (Propriétés de la couche → Source) et relancez.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="97"/>
        <source>The authentication configuration {authcfg} of {connection} could not be used</source>
        <translation>La configuration d’authentification {authcfg} de {connection} n’a pas pu être utilisée</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="101"/>
        <source>Check it in QGIS&apos;s Authentication settings.</source>
        <translation>Vérifiez-la dans les paramètres d’authentification de QGIS.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="130"/>
        <source>psycopg2 is not installed</source>
        <translation>psycopg2 n’est pas installé</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="138"/>
        <location filename="../qgis_io/postgis/connection.py" line="225"/>
        <location filename="../qgis_io/postgis/connection.py" line="232"/>
        <source>Could not connect to {connection}: {reason}</source>
        <translation>Impossible de se connecter à {connection} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="140"/>
        <location filename="../qgis_io/postgis/connection.py" line="234"/>
        <source>Check the host, port, database name and credentials.</source>
        <translation>Vérifiez l’hôte, le port, le nom de la base et les identifiants.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="160"/>
        <location filename="../qgis_io/postgis/connection.py" line="249"/>
        <source>{connection}: {reason}</source>
        <translation>{connection} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="220"/>
        <source>QGIS&apos;s PostgreSQL provider is not available</source>
        <translation>Le fournisseur PostgreSQL de QGIS n’est pas disponible</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="241"/>
        <source>{connection}: this step binds values, which needs python3-psycopg2</source>
        <translation>{connection} : cette étape lie des valeurs, ce qui demande python3-psycopg2</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="243"/>
        <location filename="../qgis_io/postgis/loader.py" line="161"/>
        <source>Install python3-psycopg2 (Debian) and run again.</source>
        <translation>Installez python3-psycopg2 (Debian) et relancez.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="287"/>
        <source>{connection} has no PostGIS extension</source>
        <translation>{connection} n’a pas l’extension PostGIS</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/connection.py" line="289"/>
        <source>Ask its administrator to run CREATE EXTENSION postgis in that database.</source>
        <translation>Demandez à son administrateur d’exécuter CREATE EXTENSION postgis dans cette base.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="159"/>
        <source>Writing {table} in bulk needs python3-psycopg2</source>
        <translation>L’écriture en bloc de {table} demande python3-psycopg2</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="241"/>
        <source>{table} already exists</source>
        <translation>{table} existe déjà</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="243"/>
        <source>Choose another table name or allow replacing it.</source>
        <translation>Choisissez un autre nom de table ou autorisez son remplacement.</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="344"/>
        <location filename="../qgis_io/postgis/loader.py" line="352"/>
        <source>{table}: the server refused the value ({code})</source>
        <translation>{table} : le serveur a refusé la valeur ({code})</translation>
    </message>
    <message>
        <location filename="../qgis_io/postgis/loader.py" line="358"/>
        <source>Could not write {table}: {reason}</source>
        <translation>Impossible d’écrire {table} : {reason}</translation>
    </message>
    <message>
        <location filename="../qgis_io/report_io.py" line="160"/>
        <source>{parameter} (&quot;{layer}&quot;) has no field &quot;reason&quot;: it is not the REJECTED output of alpr:cleanreads.</source>
        <translation>{parameter} (« {layer} ») n’a pas de champ « reason » : ce n’est pas la sortie REJECTED d’alpr:cleanreads.</translation>
    </message>
    <message>
        <location filename="../qgis_io/report_io.py" line="163"/>
        <source>Give the rejected layer written by alpr:cleanreads, or leave REJECTED empty.</source>
        <translation>Donnez la couche des rejets écrite par alpr:cleanreads, ou laissez REJECTED vide.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="42"/>
        <source>cannot be placed on the Earth in its CRS.</source>
        <translation>ne peut pas être placé sur la Terre dans son SCR.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="62"/>
        <source>holds no usable polygon.</source>
        <translation>ne contient aucun polygone utilisable.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="64"/>
        <source>Choose the jurisdiction&apos;s polygon layer.</source>
        <translation>Choisissez la couche des polygones de la juridiction.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="198"/>
        <source>&quot;{name}&quot; is not an IANA time-zone name.</source>
        <translation>« {name} » n’est pas un nom de fuseau horaire IANA.</translation>
    </message>
    <message>
        <location filename="../qgis_io/summary_parts.py" line="201"/>
        <source>Use a name such as America/Los_Angeles, or leave TIMEZONE empty.</source>
        <translation>Utilisez un nom comme America/Los_Angeles, ou laissez TIMEZONE vide.</translation>
    </message>
</context>
</TS>
