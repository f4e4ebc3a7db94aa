#!/usr/bin/perl
# An ESME written with Perl's Net::SMPP (Debian libnet-smpp-perl) receiving MO: binds as a receiver, prints the
# bind, then answers and prints COUNT deliver_sm (esm_class, data_coding, short_message in hex, UDH included),
# and unbinds. binary-mo.test.ts injects a long MO after the bind line and reassembles the parts it prints.
#
# usage: net-smpp-mo.pl HOST PORT SYSTEM_ID PASSWORD COUNT
use strict;
use warnings;
use Net::SMPP;
use JSON::PP;

my ($host, $port, $system_id, $password, $count) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD COUNT\n" unless defined $count;
$| = 1;
my $json = JSON::PP->new->canonical;
sub say_json { print $json->encode($_[0]), "\n" }

# Everything is bounded: a stuck exchange ends the script instead of hanging the test.
$SIG{ALRM} = sub { say_json({ event => 'timeout' }); exit 2 };
alarm 80;

my ($smpp, $bind) = Net::SMPP->new_receiver(
    $host, port => $port, system_id => $system_id, password => $password, system_type => '', timeout => 10,
);
die "connect failed: $!\n" unless $smpp;
say_json({ event => 'bind', status => $bind->{status} });
exit 1 if $bind->{status} != 0;

my $got = 0;
while ($got < $count) {
    my $pdu = $smpp->read_pdu() or die "connection closed\n";
    next unless $pdu->{cmd} == 0x00000005;    # deliver_sm
    $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '', async => 1);
    (my $to = $pdu->{destination_addr}) =~ s/\0+$//;
    say_json({
        event => 'deliver_sm', destination_addr => $to, esm_class => $pdu->{esm_class},
        data_coding => $pdu->{data_coding}, short_message => unpack('H*', $pdu->{short_message}),
    });
    $got++;
}
$smpp->unbind(async => 1);
$smpp->close();
