#!/usr/bin/perl
# Issue 14 with Perl's Net::SMPP (Debian libnet-smpp-perl): submits with a schedule_delivery_time (SMPP 3.4 7.1.1,
# relative form) and registered_delivery, queries the message while it waits, then waits for its receipt.
# Prints one JSON object per step with the epoch time it happened (at_ms); deferred.test.ts asserts on them.
#
# usage: net-smpp-scheduled.pl HOST PORT SYSTEM_ID PASSWORD DESTINATION TEXT SCHEDULE
use strict;
use warnings;
use Net::SMPP;
use JSON::PP;
use Time::HiRes qw(time);
my ($host, $port, $system_id, $password, $destination, $text, $schedule) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD DESTINATION TEXT SCHEDULE\n" unless defined $schedule;
$| = 1;
my $json = JSON::PP->new->canonical;
sub say_json { my %e = %{ $_[0] }; $e{at_ms} = int(time() * 1000); print $json->encode(\%e), "\n" }
# Bounded: the schedule is 90 s, so 200 s means something is stuck.
$SIG{ALRM} = sub { say_json({ event => 'timeout' }); exit 2 };
alarm 200;
my ($smpp, $bind) = Net::SMPP->new_transceiver(
    $host, port => $port, system_id => $system_id, password => $password, system_type => '', timeout => 10,
    enquire_link_interval => 0,
);
die "connect failed: $!\n" unless $smpp;
say_json({ event => 'bind', status => $bind->{status} });
exit 1 if $bind->{status} != 0;
my @receipts;
sub keep_deliver {
    my ($pdu) = @_;
    $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '', async => 1);
    push @receipts, $pdu;
}
sub await_resp {
    my ($seq) = @_;
    while (1) {
        my $pdu = $smpp->read_pdu() or die "connection closed\n";
        if ($pdu->{cmd} == 0x00000005) { keep_deliver($pdu); next }
        if ($pdu->{cmd} == 0x00000015) { $smpp->enquire_link_resp(seq => $pdu->{seq}, async => 1); next }
        return $pdu if $pdu->{seq} == $seq && ($pdu->{cmd} & 0x80000000);
    }
}
my $resp = await_resp($smpp->submit_sm(
    source_addr => 'NETSMPP', destination_addr => $destination, short_message => $text,
    registered_delivery => 1, schedule_delivery_time => $schedule, async => 1,
));
my $id = $resp->{message_id};
say_json({ event => 'submit', status => $resp->{status}, message_id => $id });
$resp = await_resp($smpp->query_sm(message_id => $id, source_addr => 'NETSMPP', async => 1));
say_json({ event => 'query', status => $resp->{status}, message_state => $resp->{message_state} });
while (!grep { ($_->{esm_class} & 0x3c) == 0x04 && $_->{short_message} =~ /\bid:\Q$id\E\b/ } @receipts) {
    my $pdu = $smpp->read_pdu() or die "connection closed\n";
    if ($pdu->{cmd} == 0x00000015) { $smpp->enquire_link_resp(seq => $pdu->{seq}, async => 1); next }
    keep_deliver($pdu) if $pdu->{cmd} == 0x00000005;
}
my ($receipt) = grep { $_->{short_message} =~ /\bid:\Q$id\E\b/ } @receipts;
say_json({ event => 'receipt', text => $receipt->{short_message} });
$resp = await_resp($smpp->unbind(async => 1));
$smpp->close();
