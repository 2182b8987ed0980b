##! NetSpot's anomalies back into Zeek.
##!
##! `netspot zeek --zeek.anomaly_log DIR` appends each anomaly to DIR/spot-anomaly.log, a Zeek
##! TSV log. This script follows that file with the Input framework (STREAM mode), raises a
##! NetSpot::Anomaly notice per anomaly and writes it to Zeek's own spot-anomaly log stream,
##! as bro-spotd's script did. Keep NetSpot's DIR outside Zeek's log directory: both files are
##! named spot-anomaly.log.

module NetSpot;

export {
	redef enum Log::ID += { LOG };
	redef enum Notice::Type += {
		## A feature watched by NetSpot crossed its SPOT threshold.
		Anomaly,
	};

	## The file NetSpot writes (its --zeek.anomaly_log directory + /spot-anomaly.log).
	const anomaly_log = "/var/lib/netspot/spot-anomaly.log" &redef;

	## Anomalies older than this when read are logged but raise no notice (STREAM mode reads
	## the whole file at start-up); 0secs raises a notice for every line.
	const notice_max_age = 10min &redef;

	## How long notices of one feature and direction are suppressed after one was raised.
	const suppress_for = 1hr &redef;

	## One anomaly: bro-spotd's columns (ts, id, feature, probability), then NetSpot's.
	type Info: record {
		## End of the period (or time of the stats.log record) the value belongs to.
		ts: time &log;
		## Sequence number in NetSpot's file.
		id: int &log;
		## Feature name (a stats.log field, or an expression such as conn.distinct(id.resp_p)).
		feature: string &log;
		## Probability of a value at least this extreme under the fitted tail.
		probability: double &log &optional;
		## UP_ALERT or DOWN_ALERT.
		status: string &log &optional;
		## The value judged.
		value: double &log &optional;
		## The threshold it crossed.
		threshold: double &log &optional;
	};

	## Raised for every anomaly read, before the notice.
	global log_spot_anomaly: event(rec: Info);
}

# The columns of NetSpot's file, in its order (checked by NetSpot's tests).
type AnomalyLine: record {
	ts: time;
	id: int;
	feature: string;
	probability: double &optional;
	status: string &optional;
	value: double &optional;
	threshold: double &optional;
};

event NetSpot::anomaly_line(description: Input::EventDescription, tpe: Input::Event, r: AnomalyLine)
	{
	local info = Info($ts=r$ts, $id=r$id, $feature=r$feature);
	if ( r?$probability ) info$probability = r$probability;
	if ( r?$status ) info$status = r$status;
	if ( r?$value ) info$value = r$value;
	if ( r?$threshold ) info$threshold = r$threshold;
	Log::write(NetSpot::LOG, info);

	if ( notice_max_age > 0secs && r$ts < current_time() - notice_max_age )
		return;

	local status = r?$status ? r$status : "ALERT";
	local msg = fmt("NetSpot: %s %s", r$feature, status);
	if ( r?$value && r?$threshold )
		msg = fmt("%s (value %f, threshold %f)", msg, r$value, r$threshold);
	NOTICE([$note=Anomaly,
	        $msg=msg,
	        $sub=r?$probability ? fmt("probability %e", r$probability) : "",
	        $identifier=cat(r$feature, "/", status),
	        $suppress_for=suppress_for]);
	}

event zeek_init() &priority=5
	{
	Log::create_stream(NetSpot::LOG, [$columns=Info, $ev=log_spot_anomaly, $path="spot-anomaly"]);
	Input::add_event([$source=anomaly_log,
	                  $name="netspot-spot-anomaly",
	                  $fields=AnomalyLine,
	                  $ev=NetSpot::anomaly_line,
	                  $want_record=T,
	                  $mode=Input::STREAM]);
	}
